package org.parley.api;

/**
 * How far a contact read our messages, or a member a group, as {@code watch} reports it (event
 * {@code "read"}).
 *
 * @param upTo the newest of our messages it read: every one we sent it before counts as read too;
 *     in a group, the entry ID read up to (it and every entry before it in log order)
 * @param readAt when its receipt came, in milliseconds since the epoch
 * @param groupId the group a member read (decision 0062); null for a contact
 */
public record ReadView(String peerId, String upTo, long readAt, String groupId) {
    /** A contact's read receipt. */
    public ReadView(String peerId, String upTo, long readAt) {
        this(peerId, upTo, readAt, null);
    }
}
