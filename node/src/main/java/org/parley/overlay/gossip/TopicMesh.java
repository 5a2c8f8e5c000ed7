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
 * straight back, how many duplicates each mesh peer has sent in a row, and which neighbours
 * brought us something lately (the ones worth grafting first).
 */
final class TopicMesh {
    private final Set<PeerId> members = new LinkedHashSet<>();
    private final Map<PeerId, Long> backoffUntilNanos = new HashMap<>();
    private final Map<PeerId, Integer> duplicatesInARow = new HashMap<>();
    /**
     * For each member, how many messages had reached us when it last sent us one (first copy or
     * duplicate), or when it joined if it has sent none since.
     */
    private final Map<PeerId, Long> lastHeardAt = new HashMap<>();
    /** For every neighbour that brought a first copy or announced one we lacked: the count when it last did. */
    private final Map<PeerId, Long> lastBroughtAt = new HashMap<>();
    /** Messages that reached us from neighbours (first copies), or were announced to us before any did. */
    private long received;

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
        if (members.add(peer)) {
            lastHeardAt.put(peer, received);
        }
        duplicatesInARow.remove(peer);
    }

    void remove(PeerId peer) {
        members.remove(peer);
        duplicatesInARow.remove(peer);
        lastHeardAt.remove(peer);
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
        lastBroughtAt.remove(peer);
    }

    /** A mesh peer sent a message we already had; returns how many it has sent in a row. */
    int duplicateFrom(PeerId peer) {
        heardFrom(peer);
        return duplicatesInARow.merge(peer, 1, Integer::sum);
    }

    /**
     * A neighbour was the first to bring a message: a mesh peer doing so is pulling its weight.
     * The message {@code counts} as one that reached us unless it was counted already ({@link #missed}).
     */
    void firstFrom(PeerId peer, boolean counts) {
        if (counts) {
            received++;
        }
        heardFrom(peer);
        lastBroughtAt.put(peer, received);
        duplicatesInARow.remove(peer);
    }

    /**
     * {@code peer} announced a message we have not had: the topic is flowing, and if our mesh
     * brought nothing of it that {@code counts} toward telling silent members.
     */
    void missed(PeerId peer, boolean counts) {
        if (counts) {
            received++;
        }
        lastBroughtAt.put(peer, received);
    }

    private void heardFrom(PeerId peer) {
        if (members.contains(peer)) {
            lastHeardAt.put(peer, received);
        }
    }

    /**
     * Members that have sent us nothing, neither a first copy nor a duplicate, while the last
     * {@code messages} messages reached us (or since they joined, if later). An honest mesh peer
     * pushes us every message it gets from anyone but us, so over several messages from different
     * publishers it sends something; one that joined meshes to drop what it should relay never
     * does, and one that behaved until a moment and then stopped (a covert flash) turns silent
     * after that many messages, whatever it sent before.
     */
    List<PeerId> silentMembers(int messages) {
        List<PeerId> silent = new ArrayList<>();
        for (PeerId peer : members) {
            if (received - lastHeardAt.getOrDefault(peer, received) >= messages) {
                silent.add(peer);
            }
        }
        return silent;
    }

    /**
     * Whether {@code peer} brought us a first copy, or announced a message we lacked, within the
     * last {@code messages} messages that reached us: a neighbour that relays, worth grafting first.
     */
    boolean broughtLately(PeerId peer, int messages) {
        Long at = lastBroughtAt.get(peer);
        return at != null && received - at < messages;
    }
}
