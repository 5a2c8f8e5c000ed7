package org.parley.overlay.dht;

import java.time.Duration;

/**
 * Limits and timings of the {@link DhtService}.
 *
 * @param table sizes and Sybil limits of the routing table
 * @param lookup k, α and the query cap of each lookup
 * @param queryStall how long a FindNode waits before it stops counting against α (its answer is
 *                   still taken)
 * @param queryTimeout how long a linked peer has to answer a FindNode
 * @param dialTimeout how long a link opened for a query may take to come up, on top of that
 * @param lookupDeadline the longest one lookup may run; what it has not found by then it reports not found
 * @param maxPendingDials links being opened for queries at once; a query beyond that fails at once
 * @param storeCapacity records of other peers kept because they asked us to (we are among their k closest)
 * @param republishInterval how often our own record is published again to the k closest peers
 * @param publishRetry how soon to try again when a publication found nobody to store our record
 * @param bucketRefreshInterval how long a bucket may go without a lookup through it before it gets
 *                              a lookup of a random key of its own
 */
public record DhtConfig(RoutingTableConfig table, LookupConfig lookup, Duration queryStall, Duration queryTimeout,
                        Duration dialTimeout, Duration lookupDeadline, int maxPendingDials, int storeCapacity,
                        Duration republishInterval, Duration publishRetry, Duration bucketRefreshInterval) {
    /** Mainline DHT's bucket refresh interval (Kademlia's is an hour). */
    public static final Duration DEFAULT_BUCKET_REFRESH = Duration.ofMinutes(15);

    public DhtConfig {
        if (maxPendingDials < 1 || storeCapacity < 1 || table.bucketSize() != lookup.k()
                || bucketRefreshInterval.compareTo(Duration.ofSeconds(5)) < 0) {
            throw new IllegalArgumentException("impossible DHT limits");
        }
    }

    /** The same limits with buckets refreshed every {@link #DEFAULT_BUCKET_REFRESH}. */
    public DhtConfig(RoutingTableConfig table, LookupConfig lookup, Duration queryStall, Duration queryTimeout,
                     Duration dialTimeout, Duration lookupDeadline, int maxPendingDials, int storeCapacity,
                     Duration republishInterval, Duration publishRetry) {
        this(table, lookup, queryStall, queryTimeout, dialTimeout, lookupDeadline, maxPendingDials, storeCapacity,
                republishInterval, publishRetry, DEFAULT_BUCKET_REFRESH);
    }

    /** The same, with buckets refreshed every {@code interval}. */
    public DhtConfig withBucketRefreshInterval(Duration interval) {
        return new DhtConfig(table, lookup, queryStall, queryTimeout, dialTimeout, lookupDeadline, maxPendingDials,
                storeCapacity, republishInterval, publishRetry, interval);
    }

    /**
     * Kademlia's k = 20 and α = 3. A lookup answers a user waiting at the command line, so its
     * deadline stays under the control API's patience; a record lives a day, so republishing
     * every half hour keeps the closest peers' copies fresh as they come and go. An honest peer
     * answers within a few round trips, a new link included; one silent for a second stops holding
     * up the lookup, which asks the next peer meanwhile. Buckets are refreshed every 15 minutes,
     * as in Mainline DHT.
     */
    public static DhtConfig defaults() {
        return new DhtConfig(RoutingTableConfig.defaults(), LookupConfig.defaults(), Duration.ofSeconds(1),
                Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(8), 8, 1024,
                Duration.ofMinutes(30), Duration.ofSeconds(30));
    }
}
