package org.parley.overlay.dht;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.parley.identity.PeerId;
import org.parley.overlay.record.PeerRecord;

/**
 * Verified peer records indexed by their DHT key, the newest per peer, at most {@code capacity}.
 * A FindNode names a key, not a peer, so this is how a node tells whether it holds the target's
 * record. When full, the record closest to expiry makes room, as in the record book. Confined to
 * the node's loop.
 */
final class KeyedRecords {
    private final int capacity;
    private final Map<DhtKey, PeerRecord> byKey = new HashMap<>();

    KeyedRecords(int capacity) {
        this.capacity = capacity;
    }

    /** Keeps {@code record} unless it has expired or we hold one with a higher or equal sequence number. */
    boolean offer(PeerRecord record, long nowMillis) {
        if (record.isExpired(nowMillis)) {
            return false;
        }
        DhtKey key = DhtKey.ofPeer(record.peer());
        PeerRecord held = byKey.get(key);
        if (held != null && !held.isExpired(nowMillis)
                && Long.compareUnsigned(record.sequence(), held.sequence()) <= 0) {
            return false;
        }
        if (held == null && byKey.size() >= capacity) {
            dropExpired(nowMillis);
            if (byKey.size() >= capacity) {
                byKey.values().stream()
                        .min((a, b) -> Long.compare(a.expiresAtMillis(), b.expiresAtMillis()))
                        .ifPresent(oldest -> byKey.remove(DhtKey.ofPeer(oldest.peer())));
            }
        }
        byKey.put(key, record);
        return true;
    }

    Optional<PeerRecord> get(DhtKey key, long nowMillis) {
        PeerRecord record = byKey.get(key);
        if (record != null && record.isExpired(nowMillis)) {
            byKey.remove(key);
            return Optional.empty();
        }
        return Optional.ofNullable(record);
    }

    void remove(PeerId peer) {
        byKey.remove(DhtKey.ofPeer(peer));
    }

    /** Drops every record whose peer is not in {@code keep}. */
    void retainPeers(Set<PeerId> keep) {
        byKey.values().removeIf(record -> !keep.contains(record.peer()));
    }

    List<PeerRecord> all(long nowMillis) {
        dropExpired(nowMillis);
        return new ArrayList<>(byKey.values());
    }

    int size() {
        return byKey.size();
    }

    private void dropExpired(long nowMillis) {
        byKey.values().removeIf(record -> record.isExpired(nowMillis));
    }
}
