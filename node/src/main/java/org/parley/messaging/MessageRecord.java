package org.parley.messaging;

import org.parley.identity.PeerId;

/**
 * A message of the history as the user sees it.
 *
 * @param direction {@code "in"} or {@code "out"}
 * @param state {@code "received"} for incoming; {@code "pending"}, {@code "relayed"},
 *     {@code "delivered"}, {@code "read"} or {@code "failed"} for outgoing
 * @param reason why it failed, else null
 * @param request whether it came from a peer who is not a contact (a message request)
 * @param replicas how many mailbox replicas hold it while it is {@code "relayed"}, else 0
 * @param annotations its reply, edit, deletion and reactions ({@link Annotations#NONE} when none)
 */
public record MessageRecord(MessageId id, String direction, PeerId peer, String text, long sentAtMillis,
                            Long receivedAtMillis, String state, String reason, boolean request, int replicas,
                            Annotations annotations) {
    public static final String IN = "in";
    public static final String OUT = "out";
    public static final String RECEIVED = "received";
    public static final String PENDING = "pending";
    /** Not delivered yet, but held by mailbox replicas for a recipient who is away. */
    public static final String RELAYED = "relayed";
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";
    /**
     * Delivered, and the peer said it read this message or a later one (decision 0053). Only
     * shown, never stored: the stored state stays what the outbox made it.
     */
    public static final String READ = "read";

    /** A message no mailbox replica holds. */
    public MessageRecord(MessageId id, String direction, PeerId peer, String text, long sentAtMillis,
                         Long receivedAtMillis, String state, String reason, boolean request) {
        this(id, direction, peer, text, sentAtMillis, receivedAtMillis, state, reason, request, 0);
    }

    /** A message without annotations. */
    public MessageRecord(MessageId id, String direction, PeerId peer, String text, long sentAtMillis,
                         Long receivedAtMillis, String state, String reason, boolean request, int replicas) {
        this(id, direction, peer, text, sentAtMillis, receivedAtMillis, state, reason, request, replicas,
                Annotations.NONE);
    }

    /** The same message as shown with its conversation's changes. */
    MessageRecord shown(String shownText, Annotations shownAnnotations) {
        return new MessageRecord(id, direction, peer, shownText, sentAtMillis, receivedAtMillis, state, reason, request,
                replicas, shownAnnotations);
    }

    MessageRecord withState(String newState, String newReason, Long newReceivedAt) {
        return new MessageRecord(id, direction, peer, text, sentAtMillis,
                newReceivedAt != null ? newReceivedAt : receivedAtMillis, newState, newReason, request, 0, annotations);
    }

    MessageRecord relayedTo(int replicaCount) {
        return new MessageRecord(id, direction, peer, text, sentAtMillis, receivedAtMillis, RELAYED, null, request,
                replicaCount, annotations);
    }
}
