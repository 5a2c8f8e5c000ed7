package org.parley.mailbox;

/** Why a mailbox request or answer is refused, with the penalty its sender earns. */
final class MailboxException extends Exception {
    enum Reason {
        MALFORMED(20),
        FORGED(50),
        /** Issued too far from our clock: clocks differ, so it costs little. */
        STALE(2),
        /** The same or an older request again. */
        REPLAYED(5),
        /** A request for someone else's mail. */
        NOT_YOURS(25),
        /** An answer to nothing we asked. */
        UNASKED(5);

        final double penalty;

        Reason(double penalty) {
            this.penalty = penalty;
        }
    }

    private final Reason reason;

    MailboxException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    Reason reason() {
        return reason;
    }
}
