package org.parley.groups;

import org.parley.identity.PeerId;

/** What happens in groups, as it happens. Called on the node's loop, after it is stored. */
public interface GroupEvents {
    /** A message was posted by us or taken into the log from another member. */
    void groupMessageAdded(GroupMessageRecord message);

    /** A message was reacted to, edited or deleted, by us or another member: here it is as now shown. */
    default void groupMessageChanged(GroupMessageRecord message) {
    }

    /**
     * A group's record changed and is stored: an invitation came, we joined, left or were
     * removed, or its members changed.
     */
    default void groupChanged(GroupRecord group) {
    }

    /** A member started ({@code active}) or stopped typing in a group (decision 0060); never stored. */
    default void groupTyping(GroupId group, PeerId member, boolean active) {
    }

    /** A member read a group up to an entry (decision 0062); told once per move, after it is stored. */
    default void groupRead(GroupId group, PeerId member, String entryId, long readAtMillis) {
    }
}
