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

    GossipPeer(TokenBucket inbound) {
        this.inbound = inbound;
    }

    void resetHeartbeatBudgets() {
        iHavesThisHeartbeat = 0;
        unknownIWantsThisHeartbeat = 0;
        servedThisHeartbeat = 0;
    }
}
