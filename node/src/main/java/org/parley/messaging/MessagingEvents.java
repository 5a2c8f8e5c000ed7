package org.parley.messaging;

import org.parley.identity.PeerId;

/** What happens to messages, as it happens. Called on the node's loop, after it is stored. */
public interface MessagingEvents {
    /** A message was sent by the user or received from a peer. */
    void messageAdded(MessageRecord message);

    /** An outgoing message was relayed, delivered or failed. */
    void messageUpdated(MessageRecord message);

    /** A message was edited, deleted or reacted to, by us or by the peer: here it is as now shown. */
    default void messageChanged(MessageRecord message) {
    }

    /** A contact read our messages up to {@code upTo} (and every one we sent it before). */
    default void readBy(PeerId peer, MessageId upTo, long readAtMillis) {
    }

    /** A contact started or stopped typing to us. Never stored. */
    default void typing(PeerId peer, boolean active) {
    }
}
