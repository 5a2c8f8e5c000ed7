package org.parley.overlay.dht;

/**
 * Parameters of an {@link IterativeLookup}.
 *
 * @param k how many closest peers the lookup finds, and the most contacts a response may carry
 * @param alpha queries kept in flight at once
 * @param maxQueries queries one lookup may send in all, so lying peers cannot keep it going forever
 */
public record LookupConfig(int k, int alpha, int maxQueries) {
    public LookupConfig {
        if (k < 1 || alpha < 1 || maxQueries < 1) {
            throw new IllegalArgumentException("bad lookup config: " + k + ", " + alpha + ", " + maxQueries);
        }
    }

    /**
     * Kademlia's k = 20 and α = 3. An honest lookup needs about k queries to confirm the k closest
     * plus a few per hop, so five times k leaves ample room while bounding the cost of an attack.
     */
    public static LookupConfig defaults() {
        return new LookupConfig(20, 3, 100);
    }
}
