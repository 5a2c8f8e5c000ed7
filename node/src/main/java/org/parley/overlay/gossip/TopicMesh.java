package org.parley.overlay.gossip;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
    /** For each member, how many messages had reached us from others when it joined. */
    private final Map<PeerId, Long> receivedAtJoin = new HashMap<>();
    /** Members that have sent us a message, first copy or duplicate, since they joined. */
    private final Set<PeerId> heard = new HashSet<>();
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
            receivedAtJoin.put(peer, received);
            heard.remove(peer);
        }
        duplicatesInARow.remove(peer);
    }

    void remove(PeerId peer) {
        members.remove(peer);
        duplicatesInARow.remove(peer);
        receivedAtJoin.remove(peer);
        heard.remove(peer);
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
        duplicatesInARow.remove(peer);
    }

    /**
     * A neighbour outside the mesh announced a message we have not had: the topic is flowing
     * while our mesh brought nothing of it, which counts toward telling silent members.
     */
    void missed() {
        received++;
    }

    private void heardFrom(PeerId peer) {
        if (members.contains(peer)) {
            heard.add(peer);
        }
    }

    /**
     * Members that have sent us nothing, neither a first copy nor a duplicate, while at least
     * {@code messages} messages reached us from others since they joined. An honest mesh peer
     * pushes us every message it gets from anyone but us, so over several messages from different
     * publishers it sends something; one that joined meshes to drop what it should relay never does.
     */
    List<PeerId> silentMembers(int messages) {
        List<PeerId> silent = new ArrayList<>();
        for (PeerId peer : members) {
            if (!heard.contains(peer) && received - receivedAtJoin.getOrDefault(peer, received) >= messages) {
                silent.add(peer);
            }
        }
        return silent;
    }
}
