package org.parley.crypto.ratchet;

/** A message the ratchet cannot open: forged, damaged, replayed, or too far ahead. */
public final class RatchetException extends Exception {
    public RatchetException(String message) {
        super(message);
    }
}
