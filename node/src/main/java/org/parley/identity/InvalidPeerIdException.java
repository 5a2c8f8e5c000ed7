package org.parley.identity;

/** Text that is not a valid peer ID; the message says why, in words fit for the user. */
public final class InvalidPeerIdException extends Exception {
    public InvalidPeerIdException(String message) {
        super(message);
    }
}
