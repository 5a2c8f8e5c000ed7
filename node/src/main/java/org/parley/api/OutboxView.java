package org.parley.api;

/**
 * What the node still holds of our outgoing messages: all of them (pending or relayed) and those
 * relayed (held by mailbox replicas for a recipient who is away), as in {@link StatusView}.
 */
public record OutboxView(int outbox, int relayed) {
}
