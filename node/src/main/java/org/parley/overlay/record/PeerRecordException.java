package org.parley.overlay.record;

/** A peer record refused before anything was done with it. */
public final class PeerRecordException extends Exception {
    private final RecordRejection rejection;

    public PeerRecordException(RecordRejection rejection, String message) {
        super(message);
        this.rejection = rejection;
    }

    public RecordRejection rejection() {
        return rejection;
    }
}
