package org.parley.messaging;

import java.util.List;
import org.parley.identity.PeerId;

/** The outbox as the mailbox layer hands its messages to replicas. Called on the node's loop. */
public interface RelayableOutbox {
    /** Sealed, stored messages to peers with no link that no replica holds yet, oldest first per peer. */
    List<RelayItem> awaitingRelay();

    /** {@code replicas} mailbox replicas hold the message: its state becomes relayed until its receipt. */
    void relayed(PeerId peer, MessageId id, int replicas);
}
