package org.parley.overlay.gossip;

import java.time.Duration;

/**
 * Limits and timings of gossip pub/sub. {@link #defaults()} is what a node runs with; tests build
 * their own to make a situation easy to reach.
 *
 * @param meshDegree D: how many mesh peers a topic is grafted up to when it has too few
 * @param meshLow below this many mesh peers the heartbeat grafts back up to {@code meshDegree};
 *     duplicate pruning never takes the mesh below it either
 * @param meshHigh above this many mesh peers the heartbeat prunes down to {@code meshDegree}
 * @param lazyPeers how many subscribed peers outside the mesh get an IHave each heartbeat
 * @param duplicatesBeforePrune consecutive duplicates from one mesh peer (and no first copy in
 *     between) after which it is pruned as redundant
 * @param heartbeat interval of mesh repair, IHave gossip and budget resets
 * @param pruneBackoff how long the heartbeat will not graft a peer again after a prune either way
 * @param historyWindows heartbeats a message stays available to IWant
 * @param gossipWindows the most recent heartbeats whose messages are announced in IHave
 * @param maxCachedMessages messages kept for IWant at most, whatever the windows say
 * @param seenCapacity message IDs remembered at most
 * @param seenTtl how long a message ID is remembered
 * @param maxHops hops a message may travel from its publisher
 * @param maxPayloadBytes largest payload accepted
 * @param maxTopicLength longest topic name accepted, in characters
 * @param maxTopicsPerPeer topics a neighbour may be subscribed to before its subscriptions are refused
 * @param maxIdsPerFrame message IDs an IHave or IWant may carry
 * @param inboundFramesPerSecond sustained gossip frames accepted per neighbour
 * @param inboundBurst gossip frames accepted in a burst above that rate
 * @param maxIHavesPerHeartbeat IHave frames a neighbour may send each heartbeat; more are ignored
 * @param unknownIWantBudget IWanted IDs we do not hold that a neighbour may ask for each heartbeat
 *     before it is penalized (honest peers ask for a message that just left our cache now and then)
 * @param servedPerHeartbeat messages sent per neighbour per heartbeat in answer to IWant, so that
 *     small requests cannot make us send much
 * @param promiseTimeout how long a neighbour has to send a message we IWanted after its IHave
 *     before another IHave may ask someone else (a few round trips)
 */
public record GossipConfig(
        int meshDegree,
        int meshLow,
        int meshHigh,
        int lazyPeers,
        int duplicatesBeforePrune,
        Duration heartbeat,
        Duration pruneBackoff,
        int historyWindows,
        int gossipWindows,
        int maxCachedMessages,
        int seenCapacity,
        Duration seenTtl,
        int maxHops,
        int maxPayloadBytes,
        int maxTopicLength,
        int maxTopicsPerPeer,
        int maxIdsPerFrame,
        double inboundFramesPerSecond,
        double inboundBurst,
        int maxIHavesPerHeartbeat,
        int unknownIWantBudget,
        int servedPerHeartbeat,
        Duration promiseTimeout) {

    public GossipConfig {
        if (meshLow < 1 || meshLow > meshDegree || meshDegree > meshHigh) {
            throw new IllegalArgumentException("need 1 <= meshLow <= meshDegree <= meshHigh");
        }
        if (gossipWindows < 1 || gossipWindows > historyWindows) {
            throw new IllegalArgumentException("need 1 <= gossipWindows <= historyWindows");
        }
        if (duplicatesBeforePrune < 1 || maxHops < 1) {
            throw new IllegalArgumentException("duplicatesBeforePrune and maxHops must be positive");
        }
    }

    public static GossipConfig defaults() {
        return new GossipConfig(
                4,
                2,
                8,
                // GossipSub's D_lazy: with 3, an honest neighbour outside the mesh among Sybils
                // announced to us too rarely to keep its link, or to repair a covert flash (0073).
                6,
                2,
                Duration.ofSeconds(1),
                Duration.ofSeconds(30),
                5,
                3,
                10_000,
                100_000,
                Duration.ofMinutes(2),
                32,
                64 * 1024,
                128,
                64,
                512,
                1_000,
                2_000,
                10,
                64,
                512,
                Duration.ofMillis(500));
    }

    public GossipConfig withMesh(int low, int degree, int high) {
        return new GossipConfig(degree, low, high, lazyPeers, duplicatesBeforePrune, heartbeat, pruneBackoff,
                historyWindows, gossipWindows, maxCachedMessages, seenCapacity, seenTtl, maxHops, maxPayloadBytes,
                maxTopicLength, maxTopicsPerPeer, maxIdsPerFrame, inboundFramesPerSecond, inboundBurst,
                maxIHavesPerHeartbeat, unknownIWantBudget, servedPerHeartbeat, promiseTimeout);
    }

    public GossipConfig withInboundRate(double framesPerSecond, double burst) {
        return new GossipConfig(meshDegree, meshLow, meshHigh, lazyPeers, duplicatesBeforePrune, heartbeat,
                pruneBackoff, historyWindows, gossipWindows, maxCachedMessages, seenCapacity, seenTtl, maxHops,
                maxPayloadBytes, maxTopicLength, maxTopicsPerPeer, maxIdsPerFrame, framesPerSecond, burst,
                maxIHavesPerHeartbeat, unknownIWantBudget, servedPerHeartbeat, promiseTimeout);
    }

    public GossipConfig withDuplicatesBeforePrune(int duplicates) {
        return new GossipConfig(meshDegree, meshLow, meshHigh, lazyPeers, duplicates, heartbeat,
                pruneBackoff, historyWindows, gossipWindows, maxCachedMessages, seenCapacity, seenTtl, maxHops,
                maxPayloadBytes, maxTopicLength, maxTopicsPerPeer, maxIdsPerFrame, inboundFramesPerSecond,
                inboundBurst, maxIHavesPerHeartbeat, unknownIWantBudget, servedPerHeartbeat, promiseTimeout);
    }
}
