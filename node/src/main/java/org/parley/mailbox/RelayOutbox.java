package org.parley.mailbox;

import java.util.List;
import org.parley.identity.PeerId;
import org.parley.messaging.MessageId;
import org.parley.messaging.RelayItem;

/** The sender's outbox as the mailbox layer sees it (messaging's {@code Messenger} in a node). */
public interface RelayOutbox {
    /** Sealed messages to peers without a link that no replica holds yet. */
    List<RelayItem> awaitingRelay();

    /** {@code replicas} replicas confirmed holding the message. */
    void relayed(PeerId recipient, MessageId id, int replicas);
}
