package org.parley.messaging;

/**
 * What the {@link Outbox} asks its runner to do; the outbox itself touches no ratchet, disk or
 * link. The runner reports back with the outbox's events (stored, sent, not sent, ...).
 */
sealed interface OutboxAction {
    /** Run the item's content through the ratchet, then sign and store its envelope. */
    record Seal(OutboxItem item) implements OutboxAction {
    }

    /** Send the item's envelope on its peer's link (the item already counts as in flight). */
    record Transmit(OutboxItem item) implements OutboxAction {
    }

    /** Store the relayed state and replica count; tell the user once stored, unless the item ended meanwhile. */
    record StoreRelayed(OutboxItem item, int replicas) implements OutboxAction {
    }

    /** Store the item's failure and take it off the outbox table; tell the user. */
    record StoreFailed(OutboxItem item, String reason) implements OutboxAction {
    }

    /** Tell the user about the item's new record (delivery, already stored). */
    record Announce(MessageRecord record) implements OutboxAction {
    }
}
