package org.parley.groups;

/** A request the group layer cannot carry out; the message is one line for the user. */
public final class GroupFailure extends RuntimeException {
    /** Why, so the layers above can tell a caller's mistake from a missing group or a failure. */
    public enum Reason {
        /** The request is malformed (a name out of shape, asking to remove oneself). */
        INVALID,
        /** No such group, invitation, member or message. */
        NOT_FOUND,
        /** The peer is a member already. */
        ALREADY_DONE,
        /** The user lacks the right (not an admin, not a member). */
        NOT_ALLOWED,
        /** The group's state does not allow it (not joined). */
        WRONG_STATE,
        /** A group limit is reached. */
        LIMIT_REACHED,
        /** Storage failed or holds something that does not load. */
        INTERNAL
    }

    private final Reason reason;

    public GroupFailure(String message) {
        this(Reason.INTERNAL, message);
    }

    public GroupFailure(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
