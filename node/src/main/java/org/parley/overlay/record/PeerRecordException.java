package org.parley.overlay.record;

import org.parley.link.Misbehaviour;

/** A peer record refused before anything was done with it. */
public final class PeerRecordException extends Exception {
    private final Misbehaviour rejection;

    public PeerRecordException(Misbehaviour rejection, String message) {
        super(message);
        this.rejection = rejection;
    }

    public Misbehaviour rejection() {
        return rejection;
    }
}
