package org.parley.identity;

/** Why a keystore could not be read or written; the message is one line for the user. */
public final class KeystoreException extends Exception {
    /** What went wrong, for callers that react differently to each. */
    public enum Reason {
        NOT_FOUND, ALREADY_EXISTS, WRONG_PASSPHRASE, CORRUPT, UNSUPPORTED_VERSION, IO
    }

    private final Reason reason;

    KeystoreException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    KeystoreException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
