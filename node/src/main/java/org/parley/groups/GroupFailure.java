package org.parley.groups;

/** A request the group layer cannot carry out; the message is one line for the user. */
public final class GroupFailure extends RuntimeException {
    public GroupFailure(String message) {
        super(message);
    }
}
