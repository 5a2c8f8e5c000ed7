package org.parley.groups;

import org.parley.identity.PeerId;
import org.parley.messaging.Annotations;

/**
 * One message of a group's history.
 *
 * @param entryId the log entry's ID (hex SHA-256), the same on every member
 * @param lamport the entry's place in the log; history is ordered by (lamport, entryId)
 * @param annotations its reply, edit, deletion and reactions ({@link Annotations#NONE} when none)
 */
public record GroupMessageRecord(GroupId group, String entryId, PeerId sender, String text, long sentAtMillis,
                                 long receivedAtMillis, long lamport, Annotations annotations) {
    /** A message without annotations. */
    public GroupMessageRecord(GroupId group, String entryId, PeerId sender, String text, long sentAtMillis,
                              long receivedAtMillis, long lamport) {
        this(group, entryId, sender, text, sentAtMillis, receivedAtMillis, lamport, Annotations.NONE);
    }
}
