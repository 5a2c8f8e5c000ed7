package org.parley.api;

/**
 * A message as scripts and the terminal client see it.
 *
 * @param direction {@code "in"} or {@code "out"}
 * @param sentAt the sender's time, in milliseconds since the epoch
 * @param receivedAt when it arrived (incoming) or was confirmed delivered (outgoing); null before
 * @param state {@code "received"}, {@code "pending"}, {@code "relayed"}, {@code "delivered"},
 *     {@code "read"} (the peer said it read this message or a later one: decision 0053) or {@code "failed"}
 * @param reason why it failed; null otherwise
 * @param request true when it came from a peer who is not a contact (a message request)
 * @param replicas how many mailbox replicas hold it while {@code "relayed"}; null in every other state
 * @param replyTo the ID of the message this one replies to; null when none
 * @param reactions one per person who reacted, by peer ID
 * @param edited whether the text is its author's newest edit
 * @param deleted whether its author deleted it (the text is then empty)
 * @param file the file offered with the message; null when none was
 */
public record MessageView(String id, String direction, String peerId, String text, long sentAt, Long receivedAt,
                          String state, String reason, boolean request, Integer replicas, String replyTo,
                          java.util.List<ReactionView> reactions, boolean edited, boolean deleted, FileView file) {
    /** A message that offers no file, replies to nothing and was not reacted to, edited or deleted. */
    public MessageView(String id, String direction, String peerId, String text, long sentAt, Long receivedAt,
                       String state, String reason, boolean request, Integer replicas) {
        this(id, direction, peerId, text, sentAt, receivedAt, state, reason, request, replicas, null,
                java.util.List.of(), false, false, null);
    }

    /** A message that offers no file. */
    public MessageView(String id, String direction, String peerId, String text, long sentAt, Long receivedAt,
                       String state, String reason, boolean request, Integer replicas, String replyTo,
                       java.util.List<ReactionView> reactions, boolean edited, boolean deleted) {
        this(id, direction, peerId, text, sentAt, receivedAt, state, reason, request, replicas, replyTo,
                reactions, edited, deleted, null);
    }

    /** This message with {@code offered} as its file. */
    public MessageView withFile(FileView offered) {
        return new MessageView(id, direction, peerId, text, sentAt, receivedAt, state, reason, request, replicas,
                replyTo, reactions, edited, deleted, offered);
    }
}
