package org.parley.api;

/**
 * A message as scripts and the terminal client see it.
 *
 * @param direction {@code "in"} or {@code "out"}
 * @param sentAt the sender's time, in milliseconds since the epoch
 * @param receivedAt when it arrived (incoming) or was confirmed delivered (outgoing); null before
 * @param state {@code "received"}, {@code "pending"}, {@code "relayed"}, {@code "delivered"} or
 *     {@code "failed"}
 * @param reason why it failed; null otherwise
 * @param request true when it came from a peer who is not a contact (a message request)
 * @param replicas how many mailbox replicas hold it while {@code "relayed"}; null in every other state
 * @param file the file offered with the message; null when none was
 */
public record MessageView(String id, String direction, String peerId, String text, long sentAt, Long receivedAt,
                          String state, String reason, boolean request, Integer replicas, FileView file) {
    /** A message that offers no file. */
    public MessageView(String id, String direction, String peerId, String text, long sentAt, Long receivedAt,
                       String state, String reason, boolean request, Integer replicas) {
        this(id, direction, peerId, text, sentAt, receivedAt, state, reason, request, replicas, null);
    }

    public MessageView withFile(FileView offered) {
        return new MessageView(id, direction, peerId, text, sentAt, receivedAt, state, reason, request, replicas, offered);
    }
}
