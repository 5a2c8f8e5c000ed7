package org.parley.groups;

import org.parley.link.Misbehaviour;

/** A refused group input, with the reason it is counted and scored under. */
public final class GroupException extends Exception {
    private final transient Misbehaviour rejection;

    public GroupException(Misbehaviour rejection, String message) {
        super(message);
        this.rejection = rejection;
    }

    public Misbehaviour rejection() {
        return rejection;
    }
}
