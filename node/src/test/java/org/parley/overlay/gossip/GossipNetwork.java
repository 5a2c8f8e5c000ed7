package org.parley.overlay.gossip;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.proto.wire.v1.GossipFrame;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;

/**
 * Many routers on one virtual clock, wired straight to each other: a frame sent is handed to the
 * other router's {@code frameReceived} after the link's latency, unless the seeded loss drops it.
 * Counts every Publish that arrives anywhere and every delivery to a subscriber.
 */
final class GossipNetwork {
    final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    private final SeededRng rng;
    private final double lossRate;
    private final List<Node> nodes = new ArrayList<>();
    private final Map<PeerId, Node> byId = new HashMap<>();
    private final Map<Set<PeerId>, Duration> latencies = new HashMap<>();
    private long publishArrivals;
    private long framesSent;

    GossipNetwork(long seed, int size, GossipConfig config, double lossRate) {
        this.rng = new SeededRng(seed);
        this.lossRate = lossRate;
        for (int i = 0; i < size; i++) {
            Node node = new Node(TestPeers.peer(i));
            node.router = new GossipRouter(node, loop, loop, new SeededRng(seed * 1_000 + i), config);
            nodes.add(node);
            byId.put(node.id, node);
        }
    }

    /**
     * Links every node to a random earlier one (so the graph is connected) and then to
     * {@code extraLinks} random others, for a mean degree of about {@code 2 * (1 + extraLinks)}.
     */
    void wireRandomGraph(int extraLinks) {
        for (int i = 1; i < nodes.size(); i++) {
            link(nodes.get(i), nodes.get((int) rng.nextLong(i)));
        }
        for (Node node : nodes) {
            int added = 0;
            while (added < extraLinks) {
                Node other = nodes.get((int) rng.nextLong(nodes.size()));
                if (other != node && !latencies.containsKey(Set.of(node.id, other.id))) {
                    link(node, other);
                    added++;
                }
            }
        }
    }

    /** Links two nodes with a latency between 5 and 50 ms, the same both ways. */
    private void link(Node a, Node b) {
        latencies.put(Set.of(a.id, b.id), Duration.ofMillis(5 + rng.nextLong(46)));
        a.router.peerConnected(b.id);
        b.router.peerConnected(a.id);
    }

    List<Node> nodes() {
        return nodes;
    }

    Node randomNode() {
        return nodes.get((int) rng.nextLong(nodes.size()));
    }

    long publishArrivals() {
        return publishArrivals;
    }

    long framesSent() {
        return framesSent;
    }

    final class Node implements GossipHost {
        final PeerId id;
        GossipRouter router;
        final Map<GossipId, Integer> deliveries = new HashMap<>();
        final Set<PeerId> penalized = new HashSet<>();

        Node(PeerId id) {
            this.id = id;
        }

        @Override
        public void send(PeerId peer, GossipFrame frame) {
            framesSent++;
            Duration latency = latencies.get(Set.of(id, peer));
            if (latency == null || rng.nextDouble() < lossRate) {
                return;
            }
            Node target = byId.get(peer);
            loop.schedule(latency, () -> {
                if (frame.hasPublish()) {
                    publishArrivals++;
                }
                target.router.frameReceived(id, frame);
            });
        }

        @Override
        public void deliver(String topic, GossipId messageId, byte[] payload, int hops) {
            deliveries.merge(messageId, 1, Integer::sum);
        }

        @Override
        public void penalize(PeerId peer, Misbehaviour misbehaviour, String detail) {
            penalized.add(peer);
        }
    }
}
