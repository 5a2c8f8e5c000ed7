package org.parley.messaging;

import java.time.Duration;

/**
 * Limits and timings of direct messaging.
 *
 * @param maxTextBytes largest message text, in UTF-8 bytes
 * @param lifetime how long a message is tried (and an envelope held by relays) before it fails
 * @param receiptDelay how long receipts wait to be batched; zero still batches the receipts of
 *                     messages committed together (they complete in one turn of the loop),
 *                     which under load is most of them, at no cost in latency
 * @param receiptBatch receipts sent at once, at most
 * @param ratchetReceiptAfter how long after the last message encrypted to a peer a receipt goes
 *                            through the ratchet again (turning it, which heals a session whose
 *                            keys leaked); sooner, receipts are only signed, which spares a
 *                            steady stream one way three key agreements per receipt on each side
 * @param retryInterval how often envelopes without a receipt are sent again to a connected peer
 * @param sendWindow envelopes sent to one peer and not yet acknowledged, at most; the rest of the
 *                   outbox waits, so a long outbox never floods a link (larger than
 *                   {@code receiptBatch}, or every batch of receipts would wait for its timer)
 */
public record MessagingConfig(int maxTextBytes, Duration lifetime, Duration receiptDelay, int receiptBatch,
                              Duration ratchetReceiptAfter, Duration retryInterval, int sendWindow) {
    public MessagingConfig {
        if (sendWindow <= receiptBatch) {
            throw new IllegalArgumentException("the send window must be larger than a receipt batch");
        }
    }

    public static MessagingConfig defaults() {
        return new MessagingConfig(64 * 1024, Duration.ofDays(7), Duration.ZERO, 256, Duration.ofSeconds(1),
                Duration.ofSeconds(30), 1024);
    }
}
