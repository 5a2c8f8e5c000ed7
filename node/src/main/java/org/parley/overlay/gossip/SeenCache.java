package org.parley.overlay.gossip;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.parley.runtime.Clock;

/**
 * The IDs of messages already handled, so that a second copy is neither delivered nor relayed.
 * Bounded twice: an ID is forgotten {@code ttl} after it was first seen, and when more than
 * {@code capacity} are held the oldest goes first. Both limits evict in insertion order: every
 * entry lives the same {@code ttl} on a monotonic clock, so the oldest entry is always the first to
 * expire and one linked map serves both, each operation O(1) (amortized for expiry). A message
 * replayed after its ID was forgotten is new again to this layer; the layer above must refuse it
 * by its own expiry. Confined to the loop.
 */
public final class SeenCache {
    private final Clock clock;
    private final int capacity;
    private final long ttlNanos;
    private final LinkedHashMap<GossipId, Long> expiresAtNanos = new LinkedHashMap<>();

    public SeenCache(Clock clock, int capacity, Duration ttl) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.clock = clock;
        this.capacity = capacity;
        this.ttlNanos = ttl.toNanos();
    }

    /**
     * Records {@code id}; true when it was not there yet. Seeing an ID again does not extend its
     * life, so a peer replaying it cannot keep it pinned while newer IDs are evicted.
     */
    public boolean add(GossipId id) {
        expire();
        if (expiresAtNanos.containsKey(id)) {
            return false;
        }
        expiresAtNanos.put(id, clock.monotonicNanos() + ttlNanos);
        if (expiresAtNanos.size() > capacity) {
            Iterator<GossipId> oldest = expiresAtNanos.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        return true;
    }

    public boolean contains(GossipId id) {
        expire();
        return expiresAtNanos.containsKey(id);
    }

    public int size() {
        expire();
        return expiresAtNanos.size();
    }

    private void expire() {
        long now = clock.monotonicNanos();
        Iterator<Map.Entry<GossipId, Long>> entries = expiresAtNanos.entrySet().iterator();
        while (entries.hasNext() && entries.next().getValue() <= now) {
            entries.remove();
        }
    }
}
