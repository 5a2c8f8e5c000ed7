package org.parley.groups;

/** A refused group input (with its reason) or a refused user request (reason null). */
public final class GroupException extends Exception {
    private final transient GroupRejection rejection;

    public GroupException(GroupRejection rejection, String message) {
        super(message);
        this.rejection = rejection;
    }

    /** A user request that cannot be done (not an admin, unknown group, ...). */
    public GroupException(String message) {
        this(null, message);
    }

    public GroupRejection rejection() {
        return rejection;
    }
}
