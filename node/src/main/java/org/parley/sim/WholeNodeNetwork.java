package org.parley.sim;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.LinkEvents;
import org.parley.link.PeerInfo;
import org.parley.link.memory.InMemoryFabric;
import org.parley.link.memory.LinkConditions;
import org.parley.node.NodeSettings;
import org.parley.overlay.record.RecordVerifier;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;

/**
 * A simulated network of whole nodes (the daemon's assembly: links, discovery, DHT, gossip,
 * messenger, groups, mailbox and peer reacher, each on a database of its own behind a
 * {@link org.parley.store.SimulatedStorageQueue}) on one virtual clock, with what every scenario
 * on it needs: nodes that leave and come back from their databases, as a daemon restarts, and
 * churn. The scenarios ({@link OfflineDeliverySimulation}, {@link GroupSimulation}) play on one
 * such network together. Deterministic for a seed.
 */
final class WholeNodeNetwork implements AutoCloseable {
    static final int BOOTSTRAP_NODES = 4;
    private static final long EPOCH_MILLIS = 1_767_225_600_000L;
    private static final Duration SETTLE = Duration.ofSeconds(90);

    final VirtualScheduler clock = new VirtualScheduler(EPOCH_MILLIS);
    final SeededRng rng;
    private final SimConfig config;
    private final SecureRandom keys;
    private final InMemoryFabric fabric;
    private final List<Identity> identities = new ArrayList<>();
    private final List<SimProfile> profiles = new ArrayList<>();
    private final List<SimNode> nodes = new ArrayList<>();
    private final Set<Integer> offline = new HashSet<>();
    /** Told of every incarnation of a node, before it starts: the scenarios' counters. */
    private final List<BiConsumer<Integer, SimNode>> incarnationWatchers = new ArrayList<>();
    private long nodeSeeds;
    /** Hole punches of the incarnations that stopped, and the links every incarnation opened. */
    private final PunchReport.Counter counter = new PunchReport.Counter();
    private final NatPlan natPlan;
    private final Map<PeerId, Integer> indexOf = new HashMap<>();
    /** What the scenario changes in every node's settings (the daemon's defaults otherwise). */
    private final UnaryOperator<NodeSettings> settings;
    /**
     * One record checker for all nodes, as in the topic scenario: a signature check gives the same
     * answer on every node, so each record is verified once however many nodes hear it.
     */
    private final RecordVerifier records;

    WholeNodeNetwork(SimConfig config, UnaryOperator<NodeSettings> settings) {
        this.config = config;
        this.settings = settings;
        this.rng = new SeededRng(config.seed() ^ 0x0ff1L);
        this.keys = Simulation.seededKeys(config.seed());
        this.fabric = new InMemoryFabric(LinkConditions.of(Duration.ofMillis(config.latencyMinMs()),
                Duration.ofMillis(config.latencyMaxMs()), config.loss(), new SeededRng(config.seed() ^ 0x5eed), clock));
        this.records = new RecordVerifier(Math.max(Simulation.RECORDS_PER_NODE * config.nodes(), 8192));
        this.natPlan = NatPlan.of(config, BOOTSTRAP_NODES);
        natPlan.place(fabric);
    }

    /** Bytes each node carried for others as a relay so far, by node index. */
    long[] relayedBytesByNode() {
        return NatPlan.of(config, BOOTSTRAP_NODES).relayedBytes(fabric);
    }

    int size() {
        return config.nodes();
    }

    void watchIncarnations(BiConsumer<Integer, SimNode> watcher) {
        incarnationWatchers.add(watcher);
    }

    /** Starts every node, each linking to one of the first few, and lets the network settle. */
    void start() {
        for (int i = 0; i < config.nodes(); i++) {
            Identity identity = Identity.generate("node" + i, keys);
            identities.add(identity);
            indexOf.put(identity.peerId(), i);
            profiles.add(SimProfile.of(identity, config.seed() * 37 + i));
            nodes.add(null);
            incarnate(i);
            if (i > 0) {
                SimNode bootstrap = nodes.get((int) rng.nextLong(Math.min(i, BOOTSTRAP_NODES)));
                nodes.get(i).links.keepLinkTo(DialTarget.peerAt(bootstrap.id(), bootstrap.address));
            }
        }
        clock.advance(SETTLE);
    }

    /** Nodes that are not bootstrap nodes: the ones scenarios may send away or make members. */
    List<Integer> ordinaryNodes() {
        List<Integer> ordinary = new ArrayList<>();
        for (int i = BOOTSTRAP_NODES; i < config.nodes(); i++) {
            ordinary.add(i);
        }
        return ordinary;
    }

    /** Removes {@code count} random entries from {@code from} and returns them. */
    List<Integer> pick(List<Integer> from, int count) {
        List<Integer> picked = new ArrayList<>();
        for (int n = 0; n < count && !from.isEmpty(); n++) {
            picked.add(from.remove((int) rng.nextLong(from.size())));
        }
        return picked;
    }

    SimNode node(int index) {
        return nodes.get(index);
    }

    PeerId id(int index) {
        return identities.get(index).peerId();
    }

    boolean isOnline(int index) {
        return !offline.contains(index);
    }

    /** Stops a node as a daemon stops; its database stays for its return. */
    void leave(int index) {
        offline.add(index);
        counter.tally(nodes.get(index).node.holePunches());
        nodes.get(index).stop();
    }

    /** Hole punching so far, over every incarnation, and the paths of the links open now. */
    PunchReport punchReport() {
        PunchReport.Counter now = counter.copy();
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i) != null && isOnline(i)) {
                now.tally(nodes.get(i).node.holePunches());
                nodes.get(i).links.connectedPeers().forEach(now::open);
            }
        }
        return now.report();
    }

    /** Counts the relayed and punched links a node's incarnation opens. */
    private void countLinksOf(int index, SimNode node) {
        node.links.addListener(new LinkEvents() {
            @Override
            public void peerConnected(PeerInfo peer) {
                Integer other = indexOf.get(peer.peerId());
                counter.opened(peer, !natPlan.isPublic(index) && other != null && !natPlan.isPublic(other));
            }
        });
    }

    /** Comes back as a restarted node does: through a few peers it knew (random online ones it can dial). */
    void rejoin(int index) {
        List<PeerId> entry = new ArrayList<>();
        while (entry.size() < 3) {
            int other = (int) rng.nextLong(config.nodes());
            if (other != index && !offline.contains(other) && nodes.get(other).dialable) {
                entry.add(nodes.get(other).id());
            }
        }
        rejoin(index, entry);
    }

    void rejoin(int index, List<PeerId> remembered) {
        Churn.redial(incarnate(index), remembered, nodes);
    }

    /** Each of {@code churners} leaves at a random moment of the next {@code phaseMillis} and comes back. */
    void churn(List<Integer> churners, long phaseMillis) {
        for (int index : churners) {
            Churn.schedule(clock, rng, phaseMillis, index, nodes::get, this::leave, this::rejoin);
        }
    }

    /** Starts a node from its profile's database, as a daemon starts (or restarts). */
    private SimNode incarnate(int index) {
        SimNode node = SimNode.whole(profiles.get(index), Simulation.addressOf(index), fabric, clock,
                config.seed() * 1_000_003 + nodeSeeds++ * 7, records, settings);
        incarnationWatchers.forEach(watcher -> watcher.accept(index, node));
        countLinksOf(index, node);
        nodes.set(index, node);
        offline.remove(index);
        node.start();
        return node;
    }

    /** Stops the nodes still online and closes every database. */
    @Override
    public void close() {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i) != null && !offline.contains(i)) {
                nodes.get(i).stop();
            }
        }
        profiles.forEach(SimProfile::close);
    }
}
