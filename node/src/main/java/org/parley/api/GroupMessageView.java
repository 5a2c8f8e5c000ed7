package org.parley.api;

/**
 * One message of a group's history, the same on every member.
 *
 * @param entryId the log entry's ID (64 hex digits)
 * @param sentAt the sender's time, in milliseconds since the epoch
 * @param receivedAt when this node took it in
 * @param lamport its place in the log; history is in (lamport, entryId) order
 */
public record GroupMessageView(String groupId, String entryId, String senderId, String text, long sentAt,
                               long receivedAt, long lamport) {
}
