package org.parley.messaging;

/** A request messaging cannot carry out; the message is one line for the user. */
public final class MessagingException extends RuntimeException {
    /** Why, so the layers above can tell a caller's mistake from a refusal or a failure. */
    public enum Reason {
        /** The request is malformed (own peer ID, empty or oversized text). */
        INVALID,
        /** What it names is unknown (a message to page from). */
        NOT_FOUND,
        /** The peer's state does not allow it (blocked). */
        WRONG_STATE,
        /** Too much is waiting already. */
        BUSY,
        /** Only someone else may do it (edit or delete a message one did not write). */
        NOT_ALLOWED,
        /** Storage failed or holds something that does not load. */
        INTERNAL
    }

    private final Reason reason;

    public MessagingException(String message) {
        this(Reason.INTERNAL, message);
    }

    public MessagingException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
