package org.parley.overlay.dht;

import java.util.Optional;
import org.parley.identity.PeerId;
import org.parley.runtime.Clock;
import org.parley.runtime.Rng;
import org.parley.runtime.Scheduler;

/**
 * Kademlia's bucket refresh: a bucket no lookup has passed through for the refresh interval gets
 * a lookup of its own, for a random key in its range. Lookups pass mostly near the keys this node
 * asks about, so without this the buckets elsewhere keep whoever filled them at start (many gone
 * since) and never learn the peers that joined later: neighbourhoods that formed apart stay apart.
 * Buckets deeper than the deepest one holding a contact hold nobody to refresh, except the next
 * one down, where our closest neighbours would be. Confined to the node's loop.
 */
final class BucketRefresher {
    /** Refresh lookups started at one check at most, so that a node waking from a long sleep does not burst. */
    static final int MAX_REFRESHES_PER_CHECK = 4;
    /** Checks per refresh interval: a stale bucket waits at most a fifth of an interval longer. */
    private static final int CHECKS_PER_INTERVAL = 5;

    private final PeerId self;
    private final DhtKey localKey;
    private final Clock clock;
    private final Scheduler scheduler;
    private final Rng rng;
    private final DhtConfig config;
    private final DhtKnowledge known;
    private final LookupDriver lookups;
    /** When a lookup last passed through each bucket (started with a target in its range). */
    private final long[] lastLookupMillis = new long[DhtKey.SIZE_BITS];
    private Scheduler.Cancellable timer;
    private boolean stopped;

    BucketRefresher(PeerId self, Clock clock, Scheduler scheduler, Rng rng, DhtConfig config, DhtKnowledge known,
                    LookupDriver lookups) {
        this.self = self;
        this.localKey = DhtKey.ofPeer(self);
        this.clock = clock;
        this.scheduler = scheduler;
        this.rng = rng;
        this.config = config;
        this.known = known;
        this.lookups = lookups;
        java.util.Arrays.fill(lastLookupMillis, clock.nowMillis());
    }

    /** Checks for stale buckets every fifth of the refresh interval until stopped. */
    void start() {
        if (stopped) {
            return;
        }
        timer = scheduler.schedule(config.bucketRefreshInterval().dividedBy(CHECKS_PER_INTERVAL), () -> {
            refreshStale();
            start();
        });
    }

    void stop() {
        stopped = true;
        if (timer != null) {
            timer.cancel();
        }
    }

    /** A lookup toward {@code target} has started: its bucket counts as fresh. */
    void lookedUp(DhtKey target) {
        lastLookupMillis[bucketOf(target)] = clock.nowMillis();
    }

    /** Starts a lookup for a random key in every bucket not looked up for the refresh interval. */
    void refreshStale() {
        long now = clock.nowMillis();
        long interval = config.bucketRefreshInterval().toMillis();
        int deepest = Math.min(known.deepestBucket() + 1, DhtKey.SIZE_BITS - 1);
        int started = 0;
        for (int bucket = 0; bucket <= deepest && started < MAX_REFRESHES_PER_CHECK; bucket++) {
            if (now - lastLookupMillis[bucket] >= interval) {
                DhtKey target = randomKeyIn(bucket);
                lookedUp(target);
                lookups.start(new IterativeLookup(target, self, known.closest(target, config.lookup().k()),
                        config.lookup()), Optional.empty());
                started++;
            }
        }
    }

    /** A key sharing exactly {@code bucket} leading bits with ours: the same up to it, the next bit flipped, the rest random. */
    DhtKey randomKeyIn(int bucket) {
        byte[] key = localKey.toBytes();
        for (int bit = bucket + 1; bit < DhtKey.SIZE_BITS; bit++) {
            setBit(key, bit, rng.nextLong(2) == 1);
        }
        setBit(key, bucket, !localKey.bit(bucket));
        return DhtKey.fromRaw(key);
    }

    private int bucketOf(DhtKey key) {
        return Math.min(localKey.commonPrefixLength(key), DhtKey.SIZE_BITS - 1);
    }

    private static void setBit(byte[] key, int bit, boolean value) {
        int mask = 0x80 >>> (bit % 8);
        if (value) {
            key[bit / 8] |= (byte) mask;
        } else {
            key[bit / 8] &= (byte) ~mask;
        }
    }
}
