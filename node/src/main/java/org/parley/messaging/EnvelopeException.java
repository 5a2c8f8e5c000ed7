package org.parley.messaging;

import org.parley.link.Misbehaviour;

/** An envelope refused before anything was done with it. */
public final class EnvelopeException extends Exception {
    private final Misbehaviour rejection;

    public EnvelopeException(Misbehaviour rejection, String message) {
        super(message);
        this.rejection = rejection;
    }

    public Misbehaviour rejection() {
        return rejection;
    }
}
