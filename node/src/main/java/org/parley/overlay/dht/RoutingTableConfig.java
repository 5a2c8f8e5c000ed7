package org.parley.overlay.dht;

/**
 * Sizes and Sybil limits of a {@link RoutingTable}.
 *
 * @param bucketSize k, the contacts kept per bucket
 * @param replacementsPerBucket newcomers remembered per full bucket, to fill it when a contact goes
 * @param maxPerPrefixPerBucket contacts one IPv4 /24 or IPv6 /64 may hold in one bucket
 * @param maxPerPrefixInTable contacts one such block may hold in the whole table
 */
public record RoutingTableConfig(int bucketSize, int replacementsPerBucket, int maxPerPrefixPerBucket,
                                 int maxPerPrefixInTable) {
    public RoutingTableConfig {
        if (bucketSize < 1 || replacementsPerBucket < 0 || maxPerPrefixPerBucket < 1
                || maxPerPrefixInTable < maxPerPrefixPerBucket) {
            throw new IllegalArgumentException("bad routing table config: " + bucketSize + ", "
                    + replacementsPerBucket + ", " + maxPerPrefixPerBucket + ", " + maxPerPrefixInTable);
        }
    }

    /**
     * k = 20 as in Kademlia. Two per block per bucket and ten in all leave room for a few nodes
     * behind one NAT or on one host, while one operator's block cannot take over a bucket.
     */
    public static RoutingTableConfig defaults() {
        return new RoutingTableConfig(20, 10, 2, 10);
    }

    public RoutingTableConfig withBucketSize(int k) {
        return new RoutingTableConfig(k, replacementsPerBucket, maxPerPrefixPerBucket, maxPerPrefixInTable);
    }
}
