package org.parley.overlay.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.EmbeddedLinks;
import org.parley.link.Direction;
import org.parley.link.HostPort;
import org.parley.link.LinkConfig;
import org.parley.link.LinkManager;
import org.parley.link.Misbehaviour;
import org.parley.link.PeerInfo;
import org.parley.link.memory.InMemoryFabric;
import org.parley.messaging.PrekeyBundles;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.PeerExchange;
import org.parley.proto.wire.v1.PrekeyBundle;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;

/** Discovery on the in-memory network and a virtual clock, and against hostile neighbours. */
class DiscoveryTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * The multi-node test's identities, from a fixed seed: which links a node keeps and trims
     * depends on peer-ID order, so a seed makes a failure replay (as in the simulator).
     */
    private final SecureRandom nodeKeys = seeded(Long.getLong("parley.test.seed", 1));

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    private final InMemoryFabric fabric = new InMemoryFabric();

    @Test
    void nodesBootstrappedFromOneFindEachOtherAndSurviveItsLoss() {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            nodes.add(node(i));
        }
        Node bootstrap = nodes.get(0);
        for (Node node : nodes.subList(1, nodes.size())) {
            node.links.keepLinkTo(DialTarget.peerAt(bootstrap.id(), bootstrap.address));
        }
        loop.advance(Duration.ofMinutes(2));

        // Links come and go (swaps, a neighbour trimming), so the upkeep is judged over half a
        // minute of one-second looks, not at one instant: most of the time at the target or above.
        DiscoveryConfig config = DiscoveryConfig.defaults();
        Map<Node, Integer> lookedAtTarget = new HashMap<>();
        int bootstrapWithinMaximum = 0;
        int looks = 30;
        for (int look = 0; look < looks; look++) {
            loop.advance(Duration.ofSeconds(1));
            for (Node node : nodes) {
                if (node.links.linkedPeers().size() >= config.targetLinks()) {
                    lookedAtTarget.merge(node, 1, Integer::sum);
                }
            }
            if (bootstrap.links.linkedPeers().size() <= config.maxLinks()) {
                bootstrapWithinMaximum++;
            }
        }
        for (Node node : nodes) {
            int atTarget = lookedAtTarget.getOrDefault(node, 0);
            assertTrue(atTarget > looks / 2, node.id().shortForm() + " at its target in " + atTarget + " of " + looks);
            assertTrue(node.discovery.knownPeers() >= 30, "knows " + node.discovery.knownPeers() + " peers");
        }
        assertTrue(bootstrapWithinMaximum > looks / 2, "trimmed to the maximum: " + bootstrapWithinMaximum);

        bootstrap.links.stop();
        bootstrap.discovery.stop();
        loop.advance(Duration.ofMinutes(1));
        List<Node> rest = nodes.subList(1, nodes.size());
        for (Node node : rest) {
            assertFalse(node.links.linkedPeers().isEmpty(), "no node depended on the bootstrap alone");
        }
        assertEquals(rest.size(), reachableFrom(rest.get(0)), "the rest stays one network");
    }

    @Test
    void recordsFromNeighboursAreCheckedAndLiarsScoredDown() {
        Identity mallory = Identity.generate("mallory", RANDOM);
        Identity honest = Identity.generate("honest", RANDOM);
        EmbeddedLinks links = new EmbeddedLinks();
        Discovery discovery = discovery(Identity.generate("self", RANDOM), links);
        PeerRecord honestRecord = record(honest, 1);

        discovery.frameReceived(mallory.peerId(), Frame.newBuilder().setPeerRecord(honestRecord.toProto()).build());
        assertEquals(Misbehaviour.NOT_OWN_RECORD.penalty(), links.penalties().get(mallory.peerId()));
        assertTrue(discovery.recordOf(honest.peerId()).isEmpty(), "not taken from someone else's mouth");

        links.penalties().clear();
        org.parley.proto.wire.v1.PeerRecord forged = honestRecord.toProto().toBuilder()
                .setAddresses(0, "10.6.6.6:7000").build();
        exchange(discovery, mallory.peerId(), List.of(forged));
        assertTrue(links.penalties().get(mallory.peerId()) >= 50, "forged record: " + links.penalties());
        assertTrue(discovery.recordOf(honest.peerId()).isEmpty());

        links.penalties().clear();
        org.parley.proto.wire.v1.PeerRecord truncated = honestRecord.toProto().toBuilder()
                .setSignature(ByteString.copyFrom(new byte[10])).build();
        exchange(discovery, mallory.peerId(), List.of(truncated));
        assertTrue(links.penalties().get(mallory.peerId()) > 0, "malformed record");

        links.penalties().clear();
        List<org.parley.proto.wire.v1.PeerRecord> flood = new ArrayList<>();
        for (int i = 0; i <= DiscoveryConfig.MAX_EXCHANGE; i++) {
            flood.add(record(Identity.generate("x" + i, RANDOM), 1).toProto());
        }
        exchange(discovery, mallory.peerId(), flood);
        assertEquals(Misbehaviour.TOO_LARGE.penalty(), links.penalties().get(mallory.peerId()));
        assertEquals(0, discovery.knownPeers(), "nothing from an oversized exchange is kept");

        links.penalties().clear();
        exchange(discovery, mallory.peerId(), List.of(honestRecord.toProto()));
        exchange(discovery, mallory.peerId(), List.of(honestRecord.toProto()));
        assertTrue(links.penalties().isEmpty(), "passing on a genuine record, even twice, is fine");
        assertEquals(honestRecord, discovery.recordOf(honest.peerId()).orElseThrow());

        loop.advance(DiscoveryConfig.defaults().heartbeat());
        exchange(discovery, mallory.peerId(), List.of(record(honest, 0).toProto()));
        assertEquals(1.0, links.penalties().get(mallory.peerId()), "a stale record costs a little");
        assertEquals(honestRecord, discovery.recordOf(honest.peerId()).orElseThrow(), "the newer one stays");
    }

    @Test
    void aNewLinkGetsOurRecordAndRecordsWhenItAsks() {
        Identity self = Identity.generate("self", RANDOM);
        Identity other = Identity.generate("other", RANDOM);
        Identity newcomer = Identity.generate("newcomer", RANDOM);
        EmbeddedLinks links = new EmbeddedLinks();
        Discovery discovery = discovery(self, links);
        exchange(discovery, other.peerId(), List.of(record(other, 1).toProto()));

        links.open(new PeerInfo(newcomer.peerId(), "10.0.0.9:7000", Direction.INBOUND, 0, "test"));
        List<Frame> sent = links.sent().get(newcomer.peerId());
        assertEquals(self.peerId(), PeerId.fromPublicKey(sent.get(0).getPeerRecord().getPeer().toByteArray()));
        assertEquals(List.of("10.0.0.1:7000"), sent.get(0).getPeerRecord().getAddressesList());
        assertEquals(0, sent.get(1).getPeerExchange().getRecordsCount(), "a node short of records asks for some");

        exchange(discovery, newcomer.peerId(), List.of());
        assertEquals(other.peerId(), PeerId.fromPublicKey(
                sent.get(2).getPeerExchange().getRecords(0).getPeer().toByteArray()), "asked, it answers");
        exchange(discovery, newcomer.peerId(), List.of());
        exchange(discovery, newcomer.peerId(), List.of());
        assertEquals(3, sent.size(), "one answer per peer per minute, however often it asks");
        loop.advance(DiscoveryConfig.defaults().redialAfter());
        exchange(discovery, newcomer.peerId(), List.of());
        assertEquals(4, sent.size(), "and again after a minute");
    }

    @Test
    void linksAnyOfTheSparingLayersNamesSurviveTrimmingAndTheRestAreTrimmedToTheMaximum() {
        Identity self = Identity.generate("self", RANDOM);
        EmbeddedLinks links = new EmbeddedLinks();
        Discovery discovery = discovery(self, links);
        DiscoveryConfig config = DiscoveryConfig.defaults();
        List<PeerId> relays = new ArrayList<>();
        List<PeerId> members = new ArrayList<>();
        for (int i = 0; i < config.maxLinks() + 16; i++) {
            PeerId peer = Identity.generate("peer" + i, RANDOM).peerId();
            links.open(new PeerInfo(peer, "10.0.1." + i + ":7000", Direction.INBOUND, 0, "test"));
            if (i < 4) {
                relays.add(peer);
            } else if (i < 10) {
                members.add(peer);
            }
        }
        discovery.spareLinksTo(relays::contains);
        discovery.spareLinksTo(members::contains);
        discovery.start();

        loop.advance(config.heartbeat().multipliedBy(2));

        assertEquals(config.maxLinks() + relays.size() + members.size(), links.linkedPeers().size(),
                "spared links come on top of the maximum (issue 15: else a public node holding many private "
                        + "peers' links closed all its others)");
        assertTrue(links.linkedPeers().containsAll(relays), "the first layer's spared links stay");
        assertTrue(links.linkedPeers().containsAll(members), "and so do the second's");
    }

    @Test
    void aRenewedOwnRecordIsAnnouncedEvenWhenAnotherLayerAskedForItFirst() {
        Identity self = Identity.generate("self", RANDOM);
        Identity neighbour = Identity.generate("neighbour", RANDOM);
        EmbeddedLinks links = new EmbeddedLinks();
        List<String> addresses = new ArrayList<>(List.of("10.0.0.1:7000"));
        PrekeyBundle bundle = PrekeyBundles.throwaway(self, RANDOM, loop.nowMillis());
        Discovery discovery = new Discovery(self, links, loop, loop, new SeededRng(1), DiscoveryConfig.defaults(),
                () -> List.copyOf(addresses), () -> bundle);
        List<PeerRecord> told = new ArrayList<>();
        links.addLayer(discovery);
        discovery.addOwnRecordListener(told::add);
        discovery.start();
        links.open(new PeerInfo(neighbour.peerId(), "10.0.0.9:7000", Direction.INBOUND, 0, "test"));

        addresses.set(0, "10.0.0.2:7000");
        PeerRecord renewed = discovery.ownRecord();
        loop.advance(Duration.ofSeconds(10));

        assertEquals(List.of(renewed), told);
        List<Frame> sent = links.sent().get(neighbour.peerId());
        assertEquals(List.of("10.0.0.2:7000"), sent.get(sent.size() - 1).getPeerRecord().getAddressesList(),
                "the neighbour hears of the new address");
    }

    @Test
    void unsolicitedExchangesBeyondTheAllowanceAreDroppedUnread() {
        EmbeddedLinks links = new EmbeddedLinks();
        Discovery discovery = discovery(Identity.generate("self", RANDOM), links);
        PeerId flooder = Identity.generate("flooder", RANDOM).peerId();

        for (int i = 0; i < 10; i++) {
            exchange(discovery, flooder, List.of(record(Identity.generate("sybil" + i, RANDOM), 1).toProto()));
        }
        assertEquals(RecordExchange.UNSOLICITED_BURST, discovery.knownPeers(), "a burst, then nothing");
        loop.advance(DiscoveryConfig.defaults().heartbeat());
        exchange(discovery, flooder, List.of(record(Identity.generate("later", RANDOM), 1).toProto()));
        exchange(discovery, flooder, List.of(record(Identity.generate("later2", RANDOM), 1).toProto()));

        assertEquals(RecordExchange.UNSOLICITED_BURST + 1, discovery.knownPeers(), "one more per heartbeat");
        assertTrue(links.penalties().isEmpty(), "flooding is slowed, not punished: " + links.penalties());
        exchange(discovery, Identity.generate("other", RANDOM).peerId(),
                List.of(record(Identity.generate("fromOther", RANDOM), 1).toProto()));
        assertEquals(RecordExchange.UNSOLICITED_BURST + 2, discovery.knownPeers(), "the allowance is per neighbour");
    }

    @Test
    void theAnswerToOurRequestIsTakenEvenFromANeighbourOutOfAllowance() {
        EmbeddedLinks links = new EmbeddedLinks();
        Discovery discovery = discovery(Identity.generate("self", RANDOM), links);
        Identity neighbour = Identity.generate("neighbour", RANDOM);
        for (int i = 0; i < RecordExchange.UNSOLICITED_BURST; i++) {
            exchange(discovery, neighbour.peerId(), List.of(record(Identity.generate("pushed" + i, RANDOM), 1).toProto()));
        }

        links.open(new PeerInfo(neighbour.peerId(), "10.0.0.9:7000", Direction.INBOUND, 0, "test"));
        exchange(discovery, neighbour.peerId(), List.of(record(Identity.generate("answer", RANDOM), 1).toProto()));
        exchange(discovery, neighbour.peerId(), List.of(record(Identity.generate("extra", RANDOM), 1).toProto()));

        assertEquals(RecordExchange.UNSOLICITED_BURST + 1, discovery.knownPeers(), "the answer, not what follows it");
    }

    @Test
    void aFullBookIsNotFlushedByANeighboursLongLivedRecords() {
        EmbeddedLinks links = new EmbeddedLinks();
        DiscoveryConfig small = new DiscoveryConfig(8, 16, 16, 32, Duration.ofSeconds(5), Duration.ofMinutes(1),
                Duration.ofHours(24));
        Identity self = Identity.generate("self", RANDOM);
        Discovery discovery = new Discovery(self, links, loop, loop, new SeededRng(1), small,
                () -> List.of("10.0.0.1:7000"), () -> PrekeyBundles.throwaway(self, RANDOM, loop.nowMillis()));
        List<PeerId> honest = new ArrayList<>();
        for (int n = 0; n < 4; n++) {
            Identity neighbour = Identity.generate("neighbour" + n, RANDOM);
            discovery.frameReceived(neighbour.peerId(), Frame.newBuilder()
                    .setPeerRecord(record(neighbour, 1).toProto()).build());
            honest.add(neighbour.peerId());
            List<org.parley.proto.wire.v1.PeerRecord> known = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Identity peer = Identity.generate("honest" + n + "." + i, RANDOM);
                known.add(record(peer, 1).toProto());
                honest.add(peer.peerId());
            }
            exchange(discovery, neighbour.peerId(), known);
        }
        assertEquals(20, discovery.knownPeers());

        // Two colluding neighbours push records that outlive every honest one, 16 at a time,
        // paced to the allowance. (Sources share the book fairly: as many flooding neighbours as
        // honest ones would get half of it, and no more.)
        List<PeerId> flooders = new ArrayList<>();
        for (int f = 0; f < 2; f++) {
            flooders.add(Identity.generate("flooder" + f, RANDOM).peerId());
        }
        for (int round = 0; round < 5; round++) {
            for (PeerId flooder : flooders) {
                List<org.parley.proto.wire.v1.PeerRecord> sybils = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    Identity sybil = Identity.generate("sybil", RANDOM);
                    sybils.add(PeerRecord.create(sybil, List.of("10.6.6.6:7000"), 1, loop.nowMillis(),
                            Duration.ofHours(20).toMillis(),
                            PrekeyBundles.throwaway(sybil, RANDOM, loop.nowMillis())).toProto());
                }
                exchange(discovery, flooder, sybils);
            }
            loop.advance(small.heartbeat());
        }

        for (PeerId peer : honest) {
            assertTrue(discovery.recordOf(peer).isPresent(), "an honest record was flushed");
        }
        assertEquals(32, discovery.knownPeers(), "the flooders share the rest of the book");
        int flooded = 0;
        for (PeerId flooder : flooders) {
            // Which flooder loses a record when both hold as many is a tie; neither holds more
            // than a quarter of the book, and together they hold only what the honest left free.
            assertTrue(discovery.heldFrom(flooder) <= small.bookCapacity() / 4,
                    "a flooder holds " + discovery.heldFrom(flooder));
            flooded += discovery.heldFrom(flooder);
        }
        assertEquals(32 - honest.size(), flooded, "the flooders hold only the room the honest records left");
    }

    private static SecureRandom seeded(long seed) {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(seed);
            return random;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA1PRNG is part of every Java runtime", e);
        }
    }

    private static void exchange(Discovery discovery, PeerId from, List<org.parley.proto.wire.v1.PeerRecord> records) {
        discovery.frameReceived(from, Frame.newBuilder()
                .setPeerExchange(PeerExchange.newBuilder().addAllRecords(records)).build());
    }

    private PeerRecord record(Identity identity, long sequence) {
        return PeerRecord.create(identity, List.of("10.0.0.2:7000"), sequence, loop.nowMillis(),
                Duration.ofHours(1).toMillis(), PrekeyBundles.throwaway(identity, RANDOM, loop.nowMillis()));
    }

    private Discovery discovery(Identity identity, EmbeddedLinks links) {
        Discovery discovery = new Discovery(identity, links, loop, loop, new SeededRng(1), DiscoveryConfig.defaults(),
                () -> List.of("10.0.0.1:7000"), () -> PrekeyBundles.throwaway(identity, RANDOM, loop.nowMillis()));
        links.addLayer(discovery);
        return discovery;
    }

    private int reachableFrom(Node start) {
        Map<PeerId, Node> byId = new HashMap<>();
        Set<PeerId> seen = new HashSet<>();
        Deque<PeerId> queue = new ArrayDeque<>(List.of(start.id()));
        seen.add(start.id());
        while (!queue.isEmpty()) {
            PeerId next = queue.poll();
            for (PeerId neighbour : nodesById().get(next).links.linkedPeers()) {
                if (seen.add(neighbour)) {
                    queue.add(neighbour);
                }
            }
        }
        return seen.size();
    }

    private final Map<PeerId, Node> nodes = new HashMap<>();

    private Map<PeerId, Node> nodesById() {
        return nodes;
    }

    private Node node(int n) {
        Identity identity = Identity.generate("node" + n, nodeKeys);
        HostPort address = new HostPort("10.0." + (n / 250) + "." + (n % 250 + 1), 7000);
        LinkManager links = new LinkManager(identity.peerId(),
                fabric.endpoint(identity.peerId(), address, LinkConfig.defaults(), loop), loop, loop,
                new SeededRng(n), LinkConfig.defaults(), "test");
        Discovery discovery = new Discovery(identity, links, loop, loop, new SeededRng(1000 + n),
                DiscoveryConfig.defaults(), () -> List.of(address.toString()),
                () -> PrekeyBundles.throwaway(identity, RANDOM, loop.nowMillis()));
        links.addLayer(discovery);
        links.redialUrgentlyBelow(DiscoveryConfig.defaults().targetLinks());
        links.start();
        discovery.start();
        Node node = new Node(identity, address, links, discovery);
        nodes.put(node.id(), node);
        return node;
    }

    private record Node(Identity identity, HostPort address, LinkManager links, Discovery discovery) {
        PeerId id() {
            return identity.peerId();
        }
    }
}
