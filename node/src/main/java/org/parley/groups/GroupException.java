package org.parley.groups;

/** A refused group input, with the reason it is counted and scored under. */
public final class GroupException extends Exception {
    private final transient GroupRejection rejection;

    public GroupException(GroupRejection rejection, String message) {
        super(message);
        this.rejection = rejection;
    }

    public GroupRejection rejection() {
        return rejection;
    }
}
