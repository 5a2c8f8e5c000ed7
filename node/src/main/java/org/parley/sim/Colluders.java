package org.parley.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.parley.identity.PeerId;
import org.parley.overlay.dht.DhtKey;
import org.parley.proto.wire.v1.PeerRecord;
import org.parley.runtime.Rng;

/**
 * What the Sybils of one attack share: who they are, each one's validly signed record (so any
 * of them can hand out the others'), and what they all do now. Collusion is free in the
 * simulator, as it is for one operator running many identities. Confined to the virtual loop.
 */
final class Colluders {
    /** What every Sybil does at the moment. */
    enum Mode {
        /** Runs the honest code unchanged. */
        HONEST,
        /** Drops gossip it should relay; answers FindNode with the Sybils closest to the target only. */
        LYING,
        /** Drops gossip and leaves every DHT request unanswered. */
        SILENT
    }

    private record Member(byte[] key, PeerRecord record) {
    }

    private static final Comparator<Member> BY_KEY = (a, b) -> Arrays.compareUnsigned(a.key(), b.key());

    private final Set<PeerId> members = new HashSet<>();
    private final List<Member> byKey = new ArrayList<>();
    private Mode mode;

    Colluders(Mode mode) {
        this.mode = mode;
    }

    Mode mode() {
        return mode;
    }

    /** All Sybils switch at once: the covert flash. */
    void switchTo(Mode next) {
        this.mode = next;
    }

    boolean dropsGossip() {
        return mode != Mode.HONEST;
    }

    boolean isSybil(PeerId peer) {
        return members.contains(peer);
    }

    int size() {
        return members.size();
    }

    /** Adds a Sybil with its signed record; call {@link #seal} once all have joined. */
    void add(PeerId peer, PeerRecord record) {
        members.add(peer);
        byKey.add(new Member(DhtKey.ofPeer(peer).toBytes(), record));
    }

    void seal() {
        byKey.sort(BY_KEY);
    }

    /**
     * The records of up to {@code k} Sybils closest to {@code target}: those sharing the longest
     * prefix with it sit next to it in key order, so a window around its place holds them.
     */
    List<PeerRecord> closestTo(DhtKey target, int k) {
        byte[] raw = target.toBytes();
        int at = Math.abs(java.util.Collections.binarySearch(byKey, new Member(raw, null), BY_KEY) + 1);
        int from = Math.max(0, at - 2 * k);
        int to = Math.min(byKey.size(), at + 2 * k);
        List<Member> window = new ArrayList<>(byKey.subList(from, to));
        window.sort(Comparator.comparing(member -> DhtKey.fromRaw(member.key()), target.byDistance()));
        List<PeerRecord> closest = new ArrayList<>();
        for (int i = 0; i < Math.min(k, window.size()); i++) {
            closest.add(window.get(i).record());
        }
        return closest;
    }

    /** Up to {@code count} Sybil records drawn at random. */
    List<PeerRecord> sample(Rng rng, int count) {
        List<PeerRecord> sample = new ArrayList<>();
        for (int i = 0; i < Math.min(count, byKey.size()); i++) {
            sample.add(byKey.get((int) rng.nextLong(byKey.size())).record());
        }
        return sample;
    }
}
