package org.parley.sim;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.HostPort;
import org.parley.link.LinkConfig;
import org.parley.link.LinkEvents;
import org.parley.link.LinkManager;
import org.parley.link.memory.InMemoryFabric;
import org.parley.link.memory.InMemoryNetwork;
import org.parley.overlay.dht.DhtConfig;
import org.parley.overlay.dht.DhtService;
import org.parley.overlay.discovery.Discovery;
import org.parley.overlay.discovery.DiscoveryConfig;
import org.parley.overlay.gossip.GossipConfig;
import org.parley.overlay.gossip.GossipHost;
import org.parley.overlay.gossip.GossipOverLinks;
import org.parley.overlay.gossip.GossipRouter;
import org.parley.overlay.gossip.MessageId;
import org.parley.overlay.record.RecordVerifier;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.GossipFrame;
import org.parley.proto.wire.v1.PrekeyBundle;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;

/**
 * One node of the simulation: the same link, discovery, DHT and gossip code the daemon runs, on the
 * in-memory network and the shared virtual clock. Counts what the simulation measures: every
 * copy of a topic message that reaches it, and when and over how many hops each first arrived.
 */
final class SimNode {
    static final String TOPIC = "sim";
    /** As in the daemon: publish our record once the node has had time to link up. */
    private static final java.time.Duration FIRST_PUBLICATION = java.time.Duration.ofMinutes(1);

    final Identity identity;
    final HostPort address;
    final boolean malicious;
    final InMemoryNetwork network;
    final LinkManager links;
    final Discovery discovery;
    final GossipOverLinks gossip;
    final GossipRouter router;
    final DhtService dht;
    /** Copies of each message received, duplicates included. */
    final Map<MessageId, Integer> receptions = new HashMap<>();
    /** First delivery of each message: virtual time (ns) and hops. */
    final Map<MessageId, long[]> deliveries = new HashMap<>();
    /** FindNode answers this node forged (a lying node only). */
    final int[] forgedAnswers = new int[1];

    SimNode(Identity identity, HostPort address, boolean malicious, PrekeyBundle bundle, InMemoryFabric fabric,
            VirtualScheduler clock, long seed) {
        this(identity, address, malicious, false, () -> bundle, fabric, clock, seed);
    }

    /** A node whose record announces {@code bundle} as it is at each publication (a messenger's own). */
    SimNode(Identity identity, HostPort address, boolean malicious, Supplier<PrekeyBundle> bundle,
            InMemoryFabric fabric, VirtualScheduler clock, long seed) {
        this(identity, address, malicious, false, bundle, fabric, clock, seed);
    }

    /**
     * A node; a {@code malicious} one drops the gossip it should relay and, when it {@code forges},
     * answers DHT requests with forged records instead of leaving them unanswered.
     */
    SimNode(Identity identity, HostPort address, boolean malicious, boolean forges, Supplier<PrekeyBundle> bundle,
            InMemoryFabric fabric, VirtualScheduler clock, long seed) {
        this(identity, address, malicious, forges, bundle, fabric, clock, seed,
                new RecordVerifier(DiscoveryConfig.defaults().bookCapacity() * 2));
    }

    /**
     * A node that checks records with {@code verifier}, which the nodes of one simulation may
     * share: a signature check gives the same answer on every node, so checking each record once
     * changes nothing but the cost, and the nodes then hold one copy of each record between them.
     */
    SimNode(Identity identity, HostPort address, boolean malicious, boolean forges, Supplier<PrekeyBundle> bundle,
            InMemoryFabric fabric, VirtualScheduler clock, long seed, RecordVerifier verifier) {
        this.identity = identity;
        this.address = address;
        this.malicious = malicious;
        LinkConfig linkConfig = LinkConfig.defaults();
        this.network = fabric.endpoint(identity.peerId(), address, linkConfig, clock);
        this.links = new LinkManager(identity.peerId(), network, clock, clock, new SeededRng(seed), linkConfig, "sim");
        DiscoveryConfig discoveryConfig = DiscoveryConfig.defaults();
        this.discovery = new Discovery(identity, links, clock, clock, new SeededRng(seed + 1), discoveryConfig,
                () -> List.of(address.toString()), bundle, verifier);
        this.gossip = new GossipOverLinks(links);
        GossipHost host = malicious ? new BlackHole(gossip) : gossip;
        this.router = new GossipRouter(host, clock, clock, new SeededRng(seed + 2), GossipConfig.defaults());
        gossip.attach(router);
        this.dht = new DhtService(identity.peerId(), links, clock, clock, DhtConfig.defaults(), discovery);
        gossip.addListener(delivery -> deliveries.putIfAbsent(delivery.id(),
                new long[] {clock.monotonicNanos(), delivery.hops()}));
        links.addListener(discovery);
        links.addListener(gossip);
        links.addListener(malicious ? new MaliciousDht(dht, links, discovery, forges, forgedAnswers) : dht);
        links.addListener(new LinkEvents() {
            @Override
            public void frameReceived(PeerId from, Frame frame) {
                if (frame.hasGossip() && frame.getGossip().hasPublish()) {
                    receptions.merge(MessageId.fromWire(frame.getGossip().getPublish().getMessageId()), 1,
                            Integer::sum);
                }
            }
        });
        links.redialUrgentlyBelow(discoveryConfig.targetLinks());
    }

    PeerId id() {
        return identity.peerId();
    }

    void start() {
        links.start();
        discovery.start();
        dht.start(FIRST_PUBLICATION);
        router.start();
        router.subscribe(TOPIC);
    }

    void stop() {
        router.stop();
        dht.stop();
        discovery.stop();
        links.stop();
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
                                int[] forged) implements LinkEvents {
        @Override
        public void peerConnected(org.parley.link.PeerInfo peer) {
            dht.peerConnected(peer);
        }

        @Override
        public void peerDisconnected(PeerId peer) {
            dht.peerDisconnected(peer);
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
        public void deliver(String topic, MessageId id, byte[] payload, int hops) {
            honest.deliver(topic, id, payload, hops);
        }

        @Override
        public void penalize(PeerId peer, double points, String reason) {
            honest.penalize(peer, points, reason);
        }
    }
}
