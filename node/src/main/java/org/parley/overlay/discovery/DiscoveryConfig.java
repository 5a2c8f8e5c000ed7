package org.parley.overlay.discovery;

import java.time.Duration;

/**
 * Limits and timings of discovery.
 *
 * @param targetLinks links a node opens on its own until it has this many
 * @param maxLinks links beyond which it closes some (inbound ones, never those it was asked to keep)
 * @param exchangeSize records sent in one peer exchange, at most (more from a peer is misbehaviour)
 * @param bookCapacity records of other peers kept
 * @param heartbeat how often links are topped up or trimmed and records exchanged
 * @param redialAfter how long before a peer that was dialed is dialed again
 * @param recordLifetime how long our own record is valid; it is renewed at half its life
 */
public record DiscoveryConfig(int targetLinks, int maxLinks, int exchangeSize, int bookCapacity, Duration heartbeat,
                              Duration redialAfter, Duration recordLifetime) {
    /** Peer exchange frames carry at most this many records, whatever a node is configured to send. */
    public static final int MAX_EXCHANGE = 32;

    public DiscoveryConfig {
        if (targetLinks < 1 || maxLinks < targetLinks || exchangeSize < 1 || exchangeSize > MAX_EXCHANGE
                || bookCapacity < 1) {
            throw new IllegalArgumentException("impossible discovery limits");
        }
    }

    /** The same, opening links until there are {@code links}; the maximum rises with it if need be. */
    public DiscoveryConfig withTargetLinks(int links) {
        return new DiscoveryConfig(links, Math.max(maxLinks, links), exchangeSize, bookCapacity, heartbeat,
                redialAfter, recordLifetime);
    }

    public static DiscoveryConfig defaults() {
        return new DiscoveryConfig(8, 16, 16, 4096, Duration.ofSeconds(5), Duration.ofMinutes(1),
                Duration.ofHours(24));
    }
}
