package org.parley.messaging;

import java.util.Set;
import org.parley.identity.PeerId;

/** What the outbox holds, for status displays and for reaching the peers it waits for. Called on the node's loop. */
public interface OutboxStatus {
    /** Messages waiting in the outbox. */
    int outboxSize();

    /** Outgoing messages mailbox replicas hold, not yet confirmed delivered. */
    int relayedCount();

    /** Bytes of our envelopes held by replicas: each envelope's size times the replicas holding it. */
    long bytesHeldByReplicas();

    /** Peers with at least one message waiting in the outbox, to be reached by whatever means the node has. */
    Set<PeerId> waitingPeers();
}
