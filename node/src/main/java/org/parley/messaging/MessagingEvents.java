package org.parley.messaging;

/** What happens to messages, as it happens. Called on the node's loop, after it is stored. */
public interface MessagingEvents {
    /** A message was sent by the user or received from a peer. */
    void messageAdded(MessageRecord message);

    /** An outgoing message was relayed, delivered or failed. */
    void messageUpdated(MessageRecord message);

    /** A message was edited, deleted or reacted to, by us or by the peer: here it is as now shown. */
    default void messageChanged(MessageRecord message) {
    }
}
