package org.parley.messaging;

/** An envelope refused before anything was done with it. */
public final class EnvelopeException extends Exception {
    private final Rejection rejection;

    public EnvelopeException(Rejection rejection, String message) {
        super(message);
        this.rejection = rejection;
    }

    public Rejection rejection() {
        return rejection;
    }
}
