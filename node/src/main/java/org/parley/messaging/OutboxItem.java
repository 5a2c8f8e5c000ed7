package org.parley.messaging;

import org.parley.identity.PeerId;

/**
 * An outgoing message, or one of our reactions, edits or deletions, until its receipt: its record,
 * its content, its envelope once sealed, and where it stands. Changed only by {@link Outbox},
 * whose transitions say what each stage allows. An action's record is a stand-in that carries its
 * ID, peer and state; it is never shown.
 */
final class OutboxItem {
    /** How far the message has gone towards its peer. */
    enum Stage {
        /** Accepted; its row is being committed, with no envelope (there was no session). */
        STORING,
        /** Accepted and sealed at once; its row and envelope are being committed together. */
        STORING_SEALED,
        /** Committed; waits for a session to seal it. */
        UNSEALED,
        /** Run through the ratchet; its envelope is being signed and committed. */
        SEALING,
        /** Committed with its envelope; not sent on the peer's current link. */
        READY,
        /** Sent on the current link, counted in the peer's send window until its receipt. */
        IN_FLIGHT,
        /** Its receipt came and is committed: out of the outbox. */
        DELIVERED,
        /** Expired, refused by every replica, or never stored: out of the outbox. */
        FAILED;

        /** Stored, so it may leave the node (encrypting and storing come first). */
        boolean committed() {
            return this != STORING && this != STORING_SEALED;
        }

        boolean ended() {
            return this == DELIVERED || this == FAILED;
        }

        /** Has a stored envelope that may be sent or relayed. */
        boolean sendable() {
            return this == READY || this == IN_FLIGHT;
        }
    }

    private MessageRecord record;
    private final boolean action;
    private final byte[] content;
    private final long expiresAtMillis;
    private Stage stage;
    private DeliveryState state;
    private byte[] envelope;
    private long lastSentMillis = Long.MIN_VALUE;

    OutboxItem(MessageRecord record, boolean action, byte[] content, long expiresAtMillis, Stage stage,
               DeliveryState state, byte[] envelope) {
        this.record = record;
        this.action = action;
        this.content = content;
        this.expiresAtMillis = expiresAtMillis;
        this.stage = stage;
        this.state = state;
        this.envelope = envelope;
    }

    MessageRecord record() {
        return record;
    }

    /** Whether it carries a reaction, edit or deletion rather than a message of the history. */
    boolean carriesAction() {
        return action;
    }

    /** The message as now shown (edited, reacted to), its delivery state kept. */
    void showAs(MessageRecord shown) {
        this.record = record.shown(shown.text(), shown.annotations());
    }

    MessageId id() {
        return record.id();
    }

    PeerId peer() {
        return record.peer();
    }

    byte[] content() {
        return content;
    }

    long expiresAtMillis() {
        return expiresAtMillis;
    }

    Stage stage() {
        return stage;
    }

    DeliveryState state() {
        return state;
    }

    /** The signed envelope, once stored; null before. */
    byte[] envelope() {
        return envelope;
    }

    long lastSentMillis() {
        return lastSentMillis;
    }

    void moveTo(Stage next) {
        this.stage = next;
    }

    void setEnvelope(byte[] signed) {
        this.envelope = signed;
    }

    void sentAt(long millis) {
        this.lastSentMillis = millis;
    }

    void relayedTo(int replicas) {
        this.state = DeliveryState.RELAYED;
        this.record = record.relayedTo(replicas);
    }

    /** Ends the item as delivered or failed, with the record the user is told about. */
    void end(Stage last, DeliveryState finalState, String reason, Long receivedAtMillis) {
        this.stage = last;
        this.state = finalState;
        this.record = record.withState(finalState.stored(), reason, receivedAtMillis);
    }
}
