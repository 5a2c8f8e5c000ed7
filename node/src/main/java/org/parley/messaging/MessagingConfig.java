package org.parley.messaging;

import java.time.Duration;

/**
 * Limits and timings of direct messaging.
 *
 * @param maxTextBytes largest message text, in UTF-8 bytes
 * @param lifetime how long a message is tried (and an envelope held by relays) before it fails
 * @param receiptDelay how long receipts wait to be batched
 * @param receiptBatch receipts sent at once, at most
 * @param retryInterval how often envelopes without a receipt are sent again to a connected peer
 */
public record MessagingConfig(int maxTextBytes, Duration lifetime, Duration receiptDelay, int receiptBatch,
                              Duration retryInterval) {
    public static MessagingConfig defaults() {
        return new MessagingConfig(64 * 1024, Duration.ofDays(7), Duration.ofMillis(20), 256,
                Duration.ofSeconds(30));
    }
}
