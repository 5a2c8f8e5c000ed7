package org.parley.messaging;

import java.util.Optional;

/**
 * Where an outgoing message stands for its user, as the history shows it and the database stores
 * it. The stored words are the database's: they never change, so that old databases keep loading.
 */
enum DeliveryState {
    PENDING(MessageRecord.PENDING),
    /** Held by mailbox replicas for a recipient who is away; still sent directly when it links. */
    RELAYED(MessageRecord.RELAYED),
    DELIVERED(MessageRecord.DELIVERED),
    FAILED(MessageRecord.FAILED);

    private final String stored;

    DeliveryState(String stored) {
        this.stored = stored;
    }

    /** The word in the {@code messages.state} column (and in {@link MessageRecord#state()}). */
    String stored() {
        return stored;
    }

    /** The state a stored word names; empty for a word no outgoing message has (such as "received"). */
    static Optional<DeliveryState> fromStored(String word) {
        for (DeliveryState state : values()) {
            if (state.stored.equals(word)) {
                return Optional.of(state);
            }
        }
        return Optional.empty();
    }

    /** Whether the message has left the outbox for good. */
    boolean isFinal() {
        return this == DELIVERED || this == FAILED;
    }
}
