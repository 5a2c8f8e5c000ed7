package org.parley.messaging;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.parley.identity.PeerId;

/**
 * Which envelope versions this node takes, and which each neighbour said it takes in its Hello
 * (decision 0047), to pick the highest both read. A peer that said nothing is a node from before
 * sealing: version 1 only. A peer never linked since start is taken to read them all, since the
 * outbox seals before it knows and re-seals when the peer's Hello says otherwise. Confined to the loop.
 */
final class EnvelopeVersions {
    /** What a node of this version takes, newest first. */
    static final List<Integer> ALL = List.of(SealedEnvelope.PLACED_VERSION, SealedEnvelope.VERSION, Envelope.VERSION);
    /** Neighbours remembered; past this the table starts over (it is refilled by the next Hello). */
    private static final int REMEMBERED = 4096;

    private volatile Set<Integer> ours = Set.copyOf(ALL);
    private final Map<PeerId, Set<Integer>> theirs = new HashMap<>();

    /** Takes only {@code versions} from now on (a test's node from before sealing). */
    void acceptOnly(Set<Integer> versions) {
        ours = Set.copyOf(versions);
    }

    /** Whether we take envelopes of {@code version}. Safe from any thread. */
    boolean accepts(int version) {
        return ours.contains(version);
    }

    /** What our Hello says: the versions we take, newest first. */
    List<Integer> announced() {
        return ALL.stream().filter(ours::contains).toList();
    }

    /** What a neighbour's Hello said (nothing: version 1 only; null: no Hello was read, so as we do). */
    void heard(PeerId peer, Set<Integer> versions) {
        if (versions == null) {
            theirs.remove(peer);
            return;
        }
        if (theirs.size() >= REMEMBERED && !theirs.containsKey(peer)) {
            theirs.clear();
        }
        theirs.put(peer, versions.isEmpty() ? Set.of(Envelope.VERSION) : Set.copyOf(versions));
    }

    /**
     * The version to seal for {@code peer}: the placed form when {@code placed} and the peer reads
     * it, else version 2 when it reads that, else version 1 (which names us in clear: only for a
     * peer that reads nothing newer).
     */
    int forPeer(PeerId peer, boolean placed) {
        Set<Integer> reads = theirs.getOrDefault(peer, ours);
        if (placed && reads.contains(SealedEnvelope.PLACED_VERSION)) {
            return SealedEnvelope.PLACED_VERSION;
        }
        return reads.contains(SealedEnvelope.VERSION) ? SealedEnvelope.VERSION : Envelope.VERSION;
    }

    /** Whether {@code peer} reads {@code version}, as far as we know. */
    boolean reads(PeerId peer, int version) {
        return theirs.getOrDefault(peer, ours).contains(version);
    }
}
