package org.parley.overlay.gossip;

import java.util.HashSet;
import java.util.Set;
import org.parley.link.TokenBucket;

/** What gossip knows about one neighbour: its topics, its inbound rate and its budgets per heartbeat. */
final class GossipPeer {
    final TokenBucket inbound;
    final Set<String> topics = new HashSet<>();
    int iHavesThisHeartbeat;
    int unknownIWantsThisHeartbeat;
    int servedThisHeartbeat;
    /**
     * First copies of messages on topics this neighbour subscribes to that reached us since it
     * last relayed or announced a message; the link layer closes links where this grows large.
     */
    long messagesSinceRelayed;

    GossipPeer(TokenBucket inbound) {
        this.inbound = inbound;
    }

    void resetHeartbeatBudgets() {
        iHavesThisHeartbeat = 0;
        unknownIWantsThisHeartbeat = 0;
        servedThisHeartbeat = 0;
    }
}
