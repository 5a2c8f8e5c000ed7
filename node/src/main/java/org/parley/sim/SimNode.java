package org.parley.sim;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.HostPort;
import org.parley.link.FrameHandler;
import org.parley.link.LinkManager;
import org.parley.link.Misbehaviour;
import org.parley.link.memory.InMemoryFabric;
import org.parley.link.memory.InMemoryNetwork;
import org.parley.groups.OffLoopPostVerifier;
import org.parley.messaging.OffLoopEnvelopeVerifier;
import org.parley.node.AssembledNode;
import org.parley.node.NodeAssembly;
import org.parley.node.NodeEnvironment;
import org.parley.node.NodeSettings;
import org.parley.overlay.dht.DhtConfig;
import org.parley.overlay.dht.DhtService;
import org.parley.overlay.discovery.Discovery;
import org.parley.overlay.gossip.GossipHost;
import org.parley.overlay.gossip.GossipOverLinks;
import org.parley.overlay.gossip.GossipRouter;
import org.parley.overlay.gossip.GossipId;
import org.parley.overlay.record.RecordVerifier;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.GossipFrame;
import org.parley.proto.wire.v1.PrekeyBundle;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;
import org.parley.store.SimulatedStorageQueue;

/**
 * One node of the simulation, built by the daemon's {@link NodeAssembly} on the in-memory network
 * and the shared virtual clock: overlay-only (links, discovery, DHT, gossip) for the plain topic
 * scenario, whole (with messenger, groups, mailbox and peer reacher on a database of its own
 * behind a {@link SimulatedStorageQueue}) for the offline and group scenarios. Counts what the
 * simulation measures: every copy of a topic message that reaches it, and when and over how many
 * hops each first arrived.
 */
final class SimNode {
    static final String TOPIC = "sim";
    /**
     * The daemon's defaults; each node announces its own address, unless the run puts nodes behind
     * NATs: then every node checks its reachability (dial-backs) as a daemon on a wildcard address does.
     */
    private static final NodeSettings SETTINGS = NodeSettings.defaults("sim");

    final Identity identity;
    final HostPort address;
    final boolean malicious;
    /** Whether others can dial it: false behind a NAT. */
    final boolean dialable;
    final AssembledNode node;
    final InMemoryNetwork network;
    final LinkManager links;
    final Discovery discovery;
    final GossipOverLinks gossip;
    final GossipRouter router;
    final DhtService dht;
    /** The storage queue of a whole node (null on an overlay-only one). */
    private final SimulatedStorageQueue storage;
    /** FindNode answers this node forged (a lying node only), counted by its DHT wrapper. */
    private final int[] forgedCounter;
    /** Copies of each message received, duplicates included (counted by {@link CountedGossip}). */
    final Map<GossipId, Integer> receptions;
    /** First delivery of each message: virtual time (ns) and hops. */
    final Map<GossipId, long[]> deliveries = new HashMap<>();

    /**
     * An overlay-only node announcing {@code bundle}; a {@code malicious} one drops the gossip it
     * should relay and, when it {@code forges}, answers DHT requests with forged records instead
     * of leaving them unanswered. It checks records with {@code records}, which the nodes of one
     * simulation may share: a signature check gives the same answer on every node, so checking
     * each record once changes nothing but the cost, and the nodes then hold one copy of each
     * record between them.
     */
    static SimNode overlay(Identity identity, HostPort address, boolean malicious, boolean forges,
                           Supplier<PrekeyBundle> bundle, InMemoryFabric fabric, VirtualScheduler clock, long seed,
                           RecordVerifier records) {
        int[] forged = new int[1];
        UnaryOperator<NodeEnvironment.Builder> behaviour = malicious
                ? environment -> environment.gossipHost(BlackHole::new).dhtFrames((dht, links, discovery) ->
                        new MaliciousDht(dht, links, discovery, forges, forged))
                : UnaryOperator.identity();
        return overlay(identity, address, malicious, behaviour, bundle, fabric, clock, seed, records, forged);
    }

    /**
     * An overlay-only node whose environment {@code behaviour} may change (the gossip host, the
     * DHT's frames): an attacker built from the daemon's parts, with its own behaviour on top.
     */
    static SimNode overlay(Identity identity, HostPort address, boolean malicious,
                           UnaryOperator<NodeEnvironment.Builder> behaviour, Supplier<PrekeyBundle> bundle,
                           InMemoryFabric fabric, VirtualScheduler clock, long seed, RecordVerifier records) {
        return overlay(identity, address, malicious, behaviour, bundle, fabric, clock, seed, records, new int[1]);
    }

    private static SimNode overlay(Identity identity, HostPort address, boolean malicious,
                                   UnaryOperator<NodeEnvironment.Builder> behaviour, Supplier<PrekeyBundle> bundle,
                                   InMemoryFabric fabric, VirtualScheduler clock, long seed, RecordVerifier records,
                                   int[] forged) {
        Map<GossipId, Integer> receptions = new HashMap<>();
        NodeEnvironment.Builder environment = environment(identity, address, fabric, clock, seed,
                Simulation.seededKeys(seed), receptions)
                .records(records)
                .overlayBundle(bundle);
        return new SimNode(identity, address, malicious, behaviour.apply(environment).build(),
                SETTINGS.withLayers(NodeSettings.Layers.OVERLAY), null, forged, receptions, fabric);
    }

    /**
     * A whole honest node on {@code profile}'s database, with the simulated storage queue and
     * envelope verifier, its randomness from the profile. It checks records with {@code records},
     * which the nodes of one simulation may share, as overlay-only nodes do.
     */
    static SimNode whole(SimProfile profile, HostPort address, InMemoryFabric fabric, VirtualScheduler clock,
                         long seed, RecordVerifier records) {
        return whole(profile, address, fabric, clock, seed, records, UnaryOperator.identity());
    }

    /** The same, its settings changed by {@code settings} (a scenario's own, such as relaying off). */
    static SimNode whole(SimProfile profile, HostPort address, InMemoryFabric fabric, VirtualScheduler clock,
                         long seed, RecordVerifier records, UnaryOperator<NodeSettings> settings) {
        SimulatedStorageQueue storage = new SimulatedStorageQueue(profile.database(), clock);
        Map<GossipId, Integer> receptions = new HashMap<>();
        NodeEnvironment environment = environment(profile.identity(), address, fabric, clock, seed, profile.random(),
                receptions)
                .records(records)
                .storage(storage, profile.contentKey())
                // The daemon's off-loop verifier, its worker being the virtual loop itself: each
                // check is handed over and its outcome handed back as on the daemon, in order,
                // as later tasks of the one loop.
                .verifier(new OffLoopEnvelopeVerifier(clock, clock))
                .postVerifier(new OffLoopPostVerifier(clock, clock))
                .build();
        return new SimNode(profile.identity(), address, false, environment, settings.apply(SETTINGS), storage,
                new int[1], receptions, fabric);
    }

    private static NodeEnvironment.Builder environment(Identity identity, HostPort address, InMemoryFabric fabric,
                                                       VirtualScheduler clock, long seed, SecureRandom random,
                                                       Map<GossipId, Integer> receptions) {
        long[] seeds = {seed};
        return NodeEnvironment.builder(identity, clock, clock)
                .randomness(() -> new SeededRng(seeds[0]++), random)
                .gossipFrames(gossip -> new CountedGossip(gossip, receptions))
                .network(scheduler -> fabric.endpoint(identity.peerId(), address, SETTINGS.links(), scheduler));
    }

    /**
     * When {@code fabric} puts nodes behind NATs, the node finds out whether it can be dialled, as
     * a daemon does, rather than announce its address.
     */
    private SimNode(Identity identity, HostPort address, boolean malicious, NodeEnvironment environment,
                    NodeSettings settings, SimulatedStorageQueue storage, int[] forged,
                    Map<GossipId, Integer> receptions, InMemoryFabric fabric) {
        this.identity = identity;
        this.address = address;
        this.malicious = malicious;
        this.dialable = fabric.natOf(address).acceptsInbound();
        this.storage = storage;
        this.node = NodeAssembly.assemble(environment,
                settings.withAnnounce(fabric.modelsNat() ? List.of() : List.of(address)));
        if (storage != null) {
            storage.loaded();
        }
        this.network = (InMemoryNetwork) node.network();
        this.links = node.links();
        this.discovery = node.discovery();
        this.gossip = node.gossipHost();
        this.router = node.gossip();
        this.dht = node.dht();
        VirtualScheduler clock = (VirtualScheduler) environment.scheduler();
        gossip.addListener(delivery -> deliveries.putIfAbsent(delivery.id(),
                new long[] {clock.monotonicNanos(), delivery.hops()}));
        this.forgedCounter = forged;
        this.receptions = receptions;
    }

    int forgedAnswers() {
        return forgedCounter[0];
    }

    PeerId id() {
        return identity.peerId();
    }

    void start() {
        node.start();
        router.subscribe(TOPIC);
    }

    /**
     * Stops as a daemon does: every layer, then the storage queue commits its backlog. The
     * database stays open for the next incarnation, as a daemon's file outlives its process.
     */
    void stop() {
        node.stop();
        if (storage != null) {
            storage.close();
        }
    }

    /**
     * A malicious node's DHT: it asks like anyone, but stores nothing and answers no FindNode
     * truthfully: it leaves them unanswered, so honest lookups meet silent peers on their paths
     * and must route around them (and evict them when they time out); or, when it {@code forges},
     * it answers each with k records that claim to be peers they are not (its own record under
     * keys it holds no private half of, so the signatures cannot verify), which honest lookups
     * must refuse, score the liar down for, and route around. Counts the forged answers it sent.
     */
    private record MaliciousDht(DhtService dht, LinkManager links, Discovery discovery, boolean forges,
                                int[] forged) implements FrameHandler {
        @Override
        public Set<Frame.BodyCase> frameTypes() {
            return dht.frameTypes();
        }

        @Override
        public void frameReceived(PeerId from, Frame frame) {
            if (!frame.hasDht() || frame.getDht().hasNodes()) {
                dht.frameReceived(from, frame);
            } else if (forges && frame.getDht().hasFindNode()) {
                org.parley.proto.wire.v1.PeerRecord own = discovery.ownRecord().toProto();
                org.parley.proto.wire.v1.Nodes.Builder lies = org.parley.proto.wire.v1.Nodes.newBuilder();
                byte[] target = frame.getDht().getFindNode().getTarget().toByteArray();
                for (int i = 0; i < DhtConfig.defaults().lookup().k(); i++) {
                    byte[] claimed = target.clone();
                    claimed[claimed.length - 1] ^= (byte) (i + 1);
                    lies.addRecords(own.toBuilder().setPeer(com.google.protobuf.ByteString.copyFrom(claimed)));
                }
                links.send(from, Frame.newBuilder().setDht(org.parley.proto.wire.v1.DhtMessage.newBuilder()
                        .setRequestId(frame.getDht().getRequestId()).setNodes(lies)).build());
                forged[0]++;
            }
        }
    }

    /** Counts every copy of a topic message that reaches the node, on its way to gossip. */
    private record CountedGossip(FrameHandler gossip, Map<GossipId, Integer> receptions) implements FrameHandler {
        @Override
        public Set<Frame.BodyCase> frameTypes() {
            return gossip.frameTypes();
        }

        @Override
        public void frameReceived(PeerId from, Frame frame) {
            if (frame.getGossip().hasPublish()) {
                receptions.merge(GossipId.fromWire(frame.getGossip().getPublish().getMessageId()), 1, Integer::sum);
            }
            gossip.frameReceived(from, frame);
        }
    }

    /**
     * A node that joins meshes like anyone, then passes nothing on: subscriptions and mesh
     * changes go out, messages and announcements do not.
     */
    private record BlackHole(GossipHost honest) implements GossipHost {
        @Override
        public void send(PeerId peer, GossipFrame frame) {
            if (frame.hasSubscribe() || frame.hasGraft() || frame.hasPrune() || frame.hasUnsubscribe()) {
                honest.send(peer, frame);
            }
        }

        @Override
        public void deliver(String topic, GossipId id, byte[] payload, int hops) {
            honest.deliver(topic, id, payload, hops);
        }

        @Override
        public void penalize(PeerId peer, Misbehaviour misbehaviour, String detail) {
            honest.penalize(peer, misbehaviour, detail);
        }
    }
}
