package org.parley.messaging;

/** An outgoing message until its receipt: its record, its content, and its envelope once sealed. */
final class OutboxItem {
    /** Changes when the message is relayed; its ID and text never do. */
    MessageRecord record;
    final byte[] content;
    final long expiresAtMillis;
    /** Run through the ratchet: its envelope is being signed and stored, or is. Never sealed twice. */
    boolean sealed;
    /** The signed envelope, once stored. */
    byte[] envelope;
    /** Stored, so it may leave the node (encrypting and storing come first). */
    boolean committed;
    /** Sent on the current link and counted in the peer's send window until its receipt. */
    boolean inFlight;
    long lastSentMillis = Long.MIN_VALUE;

    OutboxItem(MessageRecord record, byte[] content, long expiresAtMillis, byte[] envelope) {
        this.record = record;
        this.content = content;
        this.expiresAtMillis = expiresAtMillis;
        this.envelope = envelope;
        this.sealed = envelope != null;
    }
}
