package org.parley.groups;

import org.parley.identity.PeerId;

/**
 * One message of a group's history.
 *
 * @param entryId the log entry's ID (hex SHA-256), the same on every member
 * @param lamport the entry's place in the log; history is ordered by (lamport, entryId)
 */
public record GroupMessageRecord(GroupId group, String entryId, PeerId sender, String text, long sentAtMillis,
                                 long receivedAtMillis, long lamport) {
}
