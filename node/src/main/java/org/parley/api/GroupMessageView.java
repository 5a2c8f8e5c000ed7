package org.parley.api;

/**
 * One message of a group's history, the same on every member.
 *
 * @param entryId the log entry's ID (64 hex digits)
 * @param sentAt the sender's time, in milliseconds since the epoch
 * @param receivedAt when this node took it in
 * @param lamport its place in the log; history is in (lamport, entryId) order
 * @param replyTo the entry ID of the message this one replies to; null when none
 * @param reactions one per member who reacted, by peer ID
 * @param edited whether the text is its author's newest edit
 * @param deleted whether its author deleted it (the text is then empty)
 * @param file the file offered with the message; null when none was
 * @param readBy for our own messages with read marks on in the group, the members (peer IDs) who
 *     read it (decision 0062); empty otherwise
 */
public record GroupMessageView(String groupId, String entryId, String senderId, String text, long sentAt,
                               long receivedAt, long lamport, String replyTo, java.util.List<ReactionView> reactions,
                               boolean edited, boolean deleted, FileView file, java.util.List<String> readBy) {
    /** A message nobody is shown to have read. */
    public GroupMessageView(String groupId, String entryId, String senderId, String text, long sentAt,
                            long receivedAt, long lamport, String replyTo, java.util.List<ReactionView> reactions,
                            boolean edited, boolean deleted, FileView file) {
        this(groupId, entryId, senderId, text, sentAt, receivedAt, lamport, replyTo, reactions, edited, deleted, file,
                java.util.List.of());
    }

    /** A message that replies to nothing and was not reacted to, edited or deleted. */
    public GroupMessageView(String groupId, String entryId, String senderId, String text, long sentAt,
                            long receivedAt, long lamport) {
        this(groupId, entryId, senderId, text, sentAt, receivedAt, lamport, null, java.util.List.of(), false, false);
    }

    /** A message that offers no file. */
    public GroupMessageView(String groupId, String entryId, String senderId, String text, long sentAt,
                            long receivedAt, long lamport, String replyTo, java.util.List<ReactionView> reactions,
                            boolean edited, boolean deleted) {
        this(groupId, entryId, senderId, text, sentAt, receivedAt, lamport, replyTo, reactions, edited, deleted, null);
    }

    /** This message with {@code offered} as its file. */
    public GroupMessageView withFile(FileView offered) {
        return new GroupMessageView(groupId, entryId, senderId, text, sentAt, receivedAt, lamport, replyTo, reactions,
                edited, deleted, offered, readBy);
    }

    /** This message with {@code readers} as the members who read it. */
    public GroupMessageView withReadBy(java.util.List<String> readers) {
        return new GroupMessageView(groupId, entryId, senderId, text, sentAt, receivedAt, lamport, replyTo, reactions,
                edited, deleted, file, java.util.List.copyOf(readers));
    }
}
