package org.parley.api;

/** A member of a group, as this node's copy of the membership ops says. */
public record GroupMemberView(String peerId, boolean admin) {
}
