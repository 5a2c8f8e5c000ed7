package org.parley.overlay.gossip;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.parley.identity.PeerId;

/**
 * This node's mesh for one topic: the subscribed neighbours it pushes every message to. It also
 * remembers whom it recently pruned (or was pruned by), so that the heartbeat does not graft them
 * straight back, and how many duplicates each mesh peer has sent in a row.
 */
final class TopicMesh {
    private final Set<PeerId> members = new LinkedHashSet<>();
    private final Map<PeerId, Long> backoffUntilNanos = new HashMap<>();
    private final Map<PeerId, Integer> duplicatesInARow = new HashMap<>();

    boolean contains(PeerId peer) {
        return members.contains(peer);
    }

    int size() {
        return members.size();
    }

    /** The members, in the order they joined. */
    List<PeerId> members() {
        return new ArrayList<>(members);
    }

    void add(PeerId peer) {
        members.add(peer);
        duplicatesInARow.remove(peer);
    }

    void remove(PeerId peer) {
        members.remove(peer);
        duplicatesInARow.remove(peer);
    }

    /** Removes {@code peer} and keeps the heartbeat from grafting it again until {@code untilNanos}. */
    void prune(PeerId peer, long untilNanos) {
        remove(peer);
        backoffUntilNanos.put(peer, untilNanos);
    }

    boolean inBackoff(PeerId peer, long nowNanos) {
        Long until = backoffUntilNanos.get(peer);
        if (until == null) {
            return false;
        }
        if (until <= nowNanos) {
            backoffUntilNanos.remove(peer);
            return false;
        }
        return true;
    }

    /** Forgets everything about a neighbour that left. */
    void forget(PeerId peer) {
        remove(peer);
        backoffUntilNanos.remove(peer);
    }

    /** A mesh peer sent a message we already had; returns how many it has sent in a row. */
    int duplicateFrom(PeerId peer) {
        return duplicatesInARow.merge(peer, 1, Integer::sum);
    }

    /** A mesh peer was the first to bring a message: it is pulling its weight. */
    void firstFrom(PeerId peer) {
        duplicatesInARow.remove(peer);
    }
}
