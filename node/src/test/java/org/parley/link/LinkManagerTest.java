package org.parley.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.memory.InMemoryFabric;
import org.parley.link.memory.InMemoryNetwork;
import org.parley.link.memory.LinkConditions;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.Hello;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;

/** The link protocol on the in-memory network and a virtual clock: every timing is exact. */
class LinkManagerTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final LinkConfig CONFIG = LinkConfig.defaults()
            .withRedial(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2)));

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    private final InMemoryFabric fabric = new InMemoryFabric();

    @Test
    void twoNodesLinkAndLearnEachOther() {
        Node alice = node("alice", 1, CONFIG);
        Node bob = node("bob", 2, CONFIG);
        bob.manager().keepLinkTo(DialTarget.anyPeerAt(alice.address()));
        loop.advance(Duration.ofSeconds(1));

        assertEquals(List.of(alice.id()), bob.connectedIds());
        assertEquals(List.of(bob.id()), alice.connectedIds());
        assertEquals(1, bob.manager().linkCount());
        assertEquals(List.of(alice.id()), bob.manager().linkedPeers());
        PeerInfo aliceAtBob = bob.manager().connectedPeers().get(0);
        assertEquals(alice.address().toString(), aliceAtBob.address());
        assertEquals(Direction.OUTBOUND, aliceAtBob.direction());
        assertEquals("test-agent", aliceAtBob.agent());
        PeerInfo bobAtAlice = alice.manager().connectedPeers().get(0);
        assertEquals(bob.address().toString(), bobAtAlice.address(), "inbound peers show their announced address");
        assertEquals(Direction.INBOUND, bobAtAlice.direction());
        assertEquals(List.of("+" + alice.id()), bob.events());
    }

    @Test
    void aDialerExpectingAnotherPeerNeverLinks() {
        Node alice = node("alice", 1, CONFIG);
        Node bob = node("bob", 2, CONFIG);
        PeerId someoneElse = Identity.generate("mallory", RANDOM).peerId();
        bob.manager().keepLinkTo(DialTarget.peerAt(someoneElse, alice.address()));
        loop.advance(Duration.ofSeconds(5));

        assertTrue(bob.connectedIds().isEmpty());
        assertTrue(alice.connectedIds().isEmpty());
    }

    @Test
    void refusesToKeepALinkToItself() {
        Node alice = node("alice", 1, CONFIG);
        assertThrows(IllegalArgumentException.class,
                () -> alice.manager().keepLinkTo(DialTarget.peerAt(alice.id(), alice.address())));

        alice.manager().keepLinkTo(DialTarget.anyPeerAt(alice.address()));
        loop.advance(Duration.ofMinutes(1));
        assertTrue(alice.connectedIds().isEmpty());
        assertEquals(0, liveTasksAfter(Duration.ofMinutes(5)), "no endless redialing of our own address");
    }

    @Test
    void simultaneousDialsSettleOnOneLinkBothSidesAgreeOn() {
        Node alice = node("alice", 1, CONFIG);
        Node bob = node("bob", 2, CONFIG);
        alice.manager().keepLinkTo(DialTarget.anyPeerAt(bob.address()));
        bob.manager().keepLinkTo(DialTarget.anyPeerAt(alice.address()));
        loop.advance(Duration.ofSeconds(5));

        assertEquals(List.of(bob.id()), alice.connectedIds());
        assertEquals(List.of(alice.id()), bob.connectedIds());
        Direction atAlice = alice.manager().connectedPeers().get(0).direction();
        Direction atBob = bob.manager().connectedPeers().get(0).direction();
        assertNotEquals(atAlice, atBob, "both ends kept the same link");
        PeerId smaller = alice.id().compareTo(bob.id()) < 0 ? alice.id() : bob.id();
        Node dialer = smaller.equals(alice.id()) ? alice : bob;
        assertEquals(Direction.OUTBOUND, dialer.manager().connectedPeers().get(0).direction(),
                "the link dialed by the smaller peer ID survives");
        // An end that first took the losing link reports it gone and the survivor up (see below).
        assertTrue(List.of(List.of("+" + bob.id()), List.of("+" + bob.id(), "-" + bob.id(), "+" + bob.id()))
                .contains(alice.events()), alice.events().toString());
        assertTrue(List.of(List.of("+" + alice.id()), List.of("+" + alice.id(), "-" + alice.id(), "+" + alice.id()))
                .contains(bob.events()), bob.events().toString());
    }

    /**
     * Layers above greet a peer when its link comes up (records, subscriptions, mail requests).
     * When both dial at once, each end may first take a different link for the one that stays;
     * the end whose first link loses must greet again on the survivor, or its greeting is lost
     * with the closed link. Random latencies make both orders happen over the seeds.
     */
    @Test
    void whatEachEndSaysWhenTheLinkComesUpReachesTheOtherWhicheverLinkSurvives() {
        for (int seed = 1; seed <= 200; seed++) {
            InMemoryFabric slow = new InMemoryFabric(LinkConditions.of(Duration.ofMillis(1), Duration.ofMillis(40), 0,
                    new SeededRng(seed), loop));
            Node alice = node(slow, Identity.generate("alice", RANDOM), 1, CONFIG);
            Node bob = node(slow, Identity.generate("bob", RANDOM), 2, CONFIG);
            greetOnLinkUp(alice);
            greetOnLinkUp(bob);
            alice.manager().keepLinkTo(DialTarget.anyPeerAt(bob.address()));
            bob.manager().keepLinkTo(DialTarget.anyPeerAt(alice.address()));
            loop.advance(Duration.ofSeconds(5));

            assertEquals(List.of(bob.id()), alice.connectedIds(), "seed " + seed);
            assertEquals(List.of(alice.id()), bob.connectedIds(), "seed " + seed);
            assertTrue(greetings(alice) >= 1, "seed " + seed + ": alice heard bob's greeting");
            assertTrue(greetings(bob) >= 1, "seed " + seed + ": bob heard alice's greeting");
            alice.manager().stop();
            bob.manager().stop();
        }
    }

    private static final long GREETING = -1;

    private static void greetOnLinkUp(Node node) {
        node.manager().addListener(new LinkEvents() {
            @Override
            public void peerConnected(PeerInfo peer) {
                node.manager().send(peer.peerId(), Frame.newBuilder()
                        .setEnvelope(org.parley.proto.wire.v1.WireEnvelope.newBuilder().setCreatedAtMs(GREETING)).build());
            }
        });
    }

    private static long greetings(Node node) {
        return node.frames().stream().filter(frame -> frame.getEnvelope().getCreatedAtMs() == GREETING).count();
    }

    @Test
    void linkComesBackAfterTheNeighbourRestartsOnTheSameAddress() {
        Node alice = node("alice", 1, CONFIG);
        Node bob = node("bob", 2, CONFIG);
        bob.manager().keepLinkTo(DialTarget.anyPeerAt(alice.address()));
        loop.advance(Duration.ofSeconds(1));
        assertEquals(List.of(alice.id()), bob.connectedIds());

        alice.manager().stop();
        loop.advance(Duration.ofSeconds(10));
        assertTrue(bob.connectedIds().isEmpty());
        assertEquals(List.of("+" + alice.id(), "-" + alice.id()), bob.events());

        Node aliceAgain = node(alice.identity(), 1, CONFIG);
        loop.advance(Duration.ofSeconds(3));
        assertEquals(List.of(alice.id()), bob.connectedIds());
        assertEquals(List.of(bob.id()), aliceAgain.connectedIds());
    }

    @Test
    void aSilentLinkIsDroppedAfterTheHelloTimeout() {
        Node alice = node("alice", 1, CONFIG);
        RawPeer silent = new RawPeer(fabric, loop, 9);
        silent.helloOnLinkUp = null;
        silent.network.dial(DialTarget.anyPeerAt(alice.address()));
        loop.advance(CONFIG.helloTimeout().minusMillis(1));
        assertTrue(silent.downs.isEmpty());
        loop.advance(Duration.ofMillis(2));
        assertEquals(1, silent.downs.size());
        assertTrue(alice.connectedIds().isEmpty());
    }

    @Test
    void aPeerSpeakingAnotherProtocolVersionIsNotLinked() {
        Node alice = node("alice", 1, CONFIG);
        RawPeer future = new RawPeer(fabric, loop, 9);
        future.helloOnLinkUp = Hello.newBuilder().setProtocolVersion(LinkConfig.PROTOCOL_VERSION + 1).build();
        future.network.dial(DialTarget.anyPeerAt(alice.address()));
        loop.advance(Duration.ofSeconds(1));
        assertEquals(1, future.downs.size());
        assertTrue(alice.connectedIds().isEmpty());
    }

    @Test
    void aPeerThatKeepsBreakingTheProtocolIsBannedWhileOthersStayLinked() {
        Node alice = node("alice", 1, CONFIG);
        Node bob = node("bob", 2, CONFIG);
        bob.manager().keepLinkTo(DialTarget.anyPeerAt(alice.address()));
        RawPeer rude = new RawPeer(fabric, loop, 9);
        rude.helloOnLinkUp = null;
        rude.firstFrame = Frame.getDefaultInstance(); // not a Hello
        for (int i = 0; i < 10 && !alice.manager().isBanned(rude.id); i++) {
            rude.network.dial(DialTarget.anyPeerAt(alice.address()));
            loop.advance(Duration.ofMillis(100));
        }
        assertTrue(alice.manager().isBanned(rude.id));
        int downsBefore = rude.downs.size();

        rude.firstFrame = null;
        rude.helloOnLinkUp = validHello();
        rude.network.dial(DialTarget.anyPeerAt(alice.address()));
        loop.advance(Duration.ofMillis(100));
        assertEquals(downsBefore + 1, rude.downs.size(), "a banned peer's new link is closed at once");
        assertEquals(List.of(bob.id()), alice.connectedIds());

        loop.advance(CONFIG.banDuration());
        rude.network.dial(DialTarget.anyPeerAt(alice.address()));
        loop.advance(Duration.ofMillis(100));
        assertTrue(alice.connectedIds().contains(rude.id), "bans expire");
    }

    @Test
    void aFloodingPeerIsDisconnectedAndBanned() {
        LinkConfig tight = CONFIG.withInboundRate(10, 20);
        Node alice = node("alice", 1, tight);
        RawPeer flooder = new RawPeer(fabric, loop, 9);
        flooder.network.dial(DialTarget.anyPeerAt(alice.address()));
        loop.advance(Duration.ofMillis(10));
        assertEquals(List.of(flooder.id), alice.connectedIds());

        Link link = flooder.links.get(0);
        for (int i = 0; i < 2 * CONFIG.inboundBurst() && flooder.downs.isEmpty(); i++) {
            link.send(Frame.getDefaultInstance());
            loop.runUntilIdle();
        }
        assertEquals(1, flooder.downs.size());
        assertTrue(alice.manager().isBanned(flooder.id));
        assertTrue(alice.connectedIds().isEmpty());
    }

    @Test
    void anHonestBurstBeyondThePeersLimitIsPacedNotPunished() {
        LinkConfig tight = CONFIG.withInboundRate(100, 50);
        Node alice = node("alice", 1, tight);
        Node bob = node("bob", 2, tight);
        bob.manager().keepLinkTo(DialTarget.anyPeerAt(alice.address()));
        loop.advance(Duration.ofMillis(10));

        int count = 300;
        for (int i = 0; i < count; i++) {
            assertTrue(alice.manager().send(bob.id(), Frame.newBuilder()
                    .setEnvelope(org.parley.proto.wire.v1.WireEnvelope.newBuilder().setCreatedAtMs(i)).build()));
        }
        loop.advance(Duration.ofSeconds(1));
        assertTrue(bob.frames().size() < count, "paced: not all at once");
        loop.advance(Duration.ofSeconds(5));
        assertEquals(count, bob.frames().size());
        assertEquals(count - 1, bob.frames().get(count - 1).getEnvelope().getCreatedAtMs(), "in order");
        assertEquals(List.of(alice.id()), bob.connectedIds(), "not banned for the burst");
        assertFalse(bob.manager().isBanned(alice.id()));
    }

    @Test
    void anOversizedFrameDropsOnlyThatLink() {
        LinkConfig small = new LinkConfig(256, 64, CONFIG.helloTimeout(), 500, 2000, 100, 1,
                CONFIG.banDuration(), CONFIG.redial(), CONFIG.keepAlive());
        Node alice = node("alice", 1, small);
        Node bob = node("bob", 2, small);
        bob.manager().keepLinkTo(DialTarget.anyPeerAt(alice.address()));
        RawPeer big = new RawPeer(fabric, loop, 9);
        big.network.dial(DialTarget.anyPeerAt(alice.address()));
        loop.advance(Duration.ofMillis(10));
        assertEquals(2, alice.connectedIds().size());

        big.links.get(0).send(Frame.newBuilder().setHello(Hello.newBuilder().setAgent("x".repeat(1000))).build());
        loop.advance(Duration.ofMillis(10));
        assertEquals(1, big.downs.size());
        assertEquals(List.of(bob.id()), alice.connectedIds());
    }

    @Test
    void unknownFrameTypesFromANewerPeerAreToleratedInModeration() {
        Node alice = node("alice", 1, CONFIG);
        RawPeer newer = new RawPeer(fabric, loop, 9);
        newer.network.dial(DialTarget.anyPeerAt(alice.address()));
        loop.advance(Duration.ofMillis(10));
        for (int i = 0; i < 5; i++) {
            newer.links.get(0).send(Frame.getDefaultInstance());
            loop.advance(Duration.ofSeconds(1));
        }
        assertEquals(List.of(newer.id), alice.connectedIds());
        assertTrue(newer.downs.isEmpty());
    }

    @Test
    void eachFrameReachesOnlyTheLayerThatTookItsType() {
        Node alice = node("alice", 1, CONFIG);
        Node bob = node("bob", 2, CONFIG);
        List<Frame> dhtFrames = new ArrayList<>();
        alice.manager().addFrameHandler(new Taking(Frame.BodyCase.DHT, dhtFrames));
        bob.manager().keepLinkTo(DialTarget.anyPeerAt(alice.address()));
        loop.advance(Duration.ofMillis(10));

        Frame envelope = Frame.newBuilder()
                .setEnvelope(org.parley.proto.wire.v1.WireEnvelope.newBuilder().setCreatedAtMs(7)).build();
        Frame dht = Frame.newBuilder().setDht(org.parley.proto.wire.v1.DhtMessage.newBuilder().setRequestId(8)).build();
        bob.manager().send(alice.id(), dht);
        bob.manager().send(alice.id(), envelope);
        bob.manager().send(alice.id(), dht);
        loop.advance(Duration.ofMillis(10));

        assertEquals(List.of(envelope), alice.frames(), "the envelope layer saw envelopes only");
        assertEquals(List.of(dht, dht), dhtFrames, "the DHT saw DHT frames only, in order");
    }

    @Test
    void framesNoLayerTookAreDroppedAndCostTheSender() {
        Node alice = node("alice", 1, CONFIG);
        Node bob = node("bob", 2, CONFIG);
        bob.manager().keepLinkTo(DialTarget.anyPeerAt(alice.address()));
        loop.advance(Duration.ofMillis(10));
        Frame mail = Frame.newBuilder().setMailbox(org.parley.proto.wire.v1.MailboxFrame.getDefaultInstance()).build();
        int belowTheLimit = (int) (CONFIG.misbehaviourLimit() / Misbehaviour.UNKNOWN_FRAME.penalty()) - 1;

        for (int i = 0; i < belowTheLimit; i++) {
            bob.manager().send(alice.id(), mail);
        }
        loop.runUntilIdle();
        assertTrue(alice.frames().isEmpty(), "no layer got them");
        assertEquals(List.of(bob.id()), alice.connectedIds(), "each one costs, none alone bans");

        bob.manager().send(alice.id(), mail);
        loop.runUntilIdle();
        assertTrue(alice.manager().isBanned(bob.id()), "the points added up to a ban");
        assertTrue(alice.connectedIds().isEmpty());
    }

    @Test
    void aSecondOwnerOfAFrameTypeIsRefused() {
        Node alice = node("alice", 1, CONFIG);
        List<Frame> other = new ArrayList<>();
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> alice.manager().addFrameHandler(new Taking(Frame.BodyCase.ENVELOPE, other)));
        assertTrue(refused.getMessage().contains("ENVELOPE"), refused.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> alice.manager().addFrameHandler(new Taking(Frame.BodyCase.HELLO, other)));
    }

    @Test
    void penaltiesFromUpperLayersBanAPeer() {
        Node alice = node("alice", 1, CONFIG);
        Node bob = node("bob", 2, CONFIG);
        bob.manager().keepLinkTo(DialTarget.anyPeerAt(alice.address()));
        loop.advance(Duration.ofMillis(10));
        alice.manager().penalize(bob.id(), CONFIG.misbehaviourLimit() / 2, "bad signature");
        loop.runUntilIdle();
        assertEquals(List.of(bob.id()), alice.connectedIds());
        alice.manager().penalize(bob.id(), CONFIG.misbehaviourLimit() / 2, "bad signature");
        loop.runUntilIdle();
        assertTrue(alice.connectedIds().isEmpty());
        loop.advance(Duration.ofMinutes(1));
        assertTrue(alice.connectedIds().isEmpty(), "bob's redials are refused during the ban");
    }

    @Test
    void unknownPeersAreNotReachableBySend() {
        Node alice = node("alice", 1, CONFIG);
        assertFalse(alice.manager().send(Identity.generate("x", RANDOM).peerId(), Frame.getDefaultInstance()));
    }

    /** Tasks still scheduled that are not cancelled, after running for a while. */
    private int liveTasksAfter(Duration duration) {
        int before = loop.pendingTasks();
        loop.advance(duration);
        return Math.min(before, loop.pendingTasks());
    }

    private static Hello validHello() {
        return Hello.newBuilder().setProtocolVersion(LinkConfig.PROTOCOL_VERSION).build();
    }

    @Test
    void dialInTurnTriesTheNextTargetOnlyAfterTheOneBeforeFailed() {
        Node alice = node("alice", 1, CONFIG);
        Node bob = node("bob", 2, CONFIG);
        Node relay = node("relay", 3, CONFIG);
        HostPort nobody = new HostPort("10.0.0.99", 7000);
        alice.manager().dialInTurn(List.of(DialTarget.peerAt(bob.id(), nobody),
                DialTarget.peerVia(bob.id(), relay.id(), relay.address()),
                DialTarget.peerAt(bob.id(), bob.address())));
        loop.advance(Duration.ofSeconds(1));
        assertEquals(List.of(bob.id()), alice.connectedIds(), "the direct address failed, the circuit too, the last linked");
        assertEquals(List.of(), relay.connectedIds(), "a circuit target is never dialled as a direct link to the relay");

        Node carol = node("carol", 4, CONFIG);
        alice.manager().dialInTurn(List.of(DialTarget.peerAt(carol.id(), carol.address()),
                DialTarget.peerAt(carol.id(), nobody)));
        loop.advance(Duration.ofSeconds(1));
        assertTrue(alice.connectedIds().contains(carol.id()));
        carol.manager().stop();
        loop.advance(Duration.ofSeconds(1));
        assertFalse(alice.connectedIds().contains(carol.id()), "a lost link does not start the rest of the turn");
    }

    /**
     * Several layers learn the same record at once (the peer reacher, discovery, the DHT) and each
     * asked for a dial: every dial after the first made a second link, a TLS handshake for nothing,
     * and the replaced link made both ends' layers greet again.
     */
    @Test
    void aTargetAskedForAgainWhileItsDialIsUnderWayIsDialledOnce() {
        Node alice = node("alice", 1, CONFIG);
        Node bob = node("bob", 2, CONFIG);
        DialTarget toBob = DialTarget.peerAt(bob.id(), bob.address());
        alice.manager().dialOnce(toBob);
        alice.manager().dialOnce(toBob);
        alice.manager().dialInTurn(List.of(toBob));
        loop.advance(Duration.ofSeconds(1));
        assertEquals(List.of("+" + alice.id()), bob.events(), "one link, never replaced");
        assertEquals(List.of("+" + bob.id()), alice.events());

        Node carol = node("carol", 3, CONFIG);
        carol.manager().stop();
        DialTarget toCarol = DialTarget.peerAt(carol.id(), carol.address());
        alice.manager().dialOnce(toCarol);
        loop.advance(Duration.ofSeconds(30));
        Node carolAgain = node(carol.identity(), 3, CONFIG);
        alice.manager().dialOnce(toCarol);
        loop.advance(Duration.ofSeconds(1));
        assertEquals(List.of(alice.id()), carolAgain.connectedIds(), "a failed dial bars nothing");
    }

    /** The peer's handshake is done and its Hello on the way: a dial of ours would only duplicate the link. */
    @Test
    void aPeerWhoseLinkAwaitsItsHelloIsNotDialled() {
        Node alice = node("alice", 1, CONFIG);
        RawPeer slow = new RawPeer(fabric, loop, 9);
        slow.helloOnLinkUp = null;
        slow.network.dial(DialTarget.anyPeerAt(alice.address()));
        loop.advance(Duration.ofMillis(100));
        assertEquals(1, slow.links.size());
        alice.manager().dialOnce(DialTarget.peerAt(slow.id, new HostPort("10.0.9.9", 7000)));
        loop.advance(Duration.ofMillis(100));
        assertEquals(1, slow.links.size(), "no second link while the first awaits its Hello");
    }

    private Node node(String name, int n, LinkConfig config) {
        return node(Identity.generate(name, RANDOM), n, config);
    }

    private Node node(Identity identity, int n, LinkConfig config) {
        return node(fabric, identity, n, config);
    }

    private Node node(InMemoryFabric on, Identity identity, int n, LinkConfig config) {
        HostPort address = new HostPort("10.0.0." + n, 7000);
        InMemoryNetwork network = on.endpoint(identity.peerId(), address, config, loop);
        LinkManager manager = new LinkManager(identity.peerId(), network, loop, loop, new SeededRng(n), config,
                "test-agent");
        Node node = new Node(identity, address, manager);
        manager.addListener(new LinkEvents() {
            @Override
            public void peerConnected(PeerInfo peer) {
                node.events().add("+" + peer.peerId());
            }

            @Override
            public void peerDisconnected(PeerId peer) {
                node.events().add("-" + peer);
            }
        });
        manager.addFrameHandler(new Taking(Frame.BodyCase.ENVELOPE, node.frames()));
        manager.start();
        return node;
    }

    /** A layer that takes one frame type and keeps what it gets. */
    private record Taking(Frame.BodyCase type, List<Frame> frames) implements FrameHandler {
        @Override
        public java.util.Set<Frame.BodyCase> frameTypes() {
            return java.util.Set.of(type);
        }

        @Override
        public void frameReceived(PeerId from, Frame frame) {
            frames.add(frame);
        }
    }

    private record Node(Identity identity, HostPort address, LinkManager manager, List<String> events,
                        List<Frame> frames) {
        Node(Identity identity, HostPort address, LinkManager manager) {
            this(identity, address, manager, new ArrayList<>(), new ArrayList<>());
        }

        PeerId id() {
            return identity.peerId();
        }

        List<PeerId> connectedIds() {
            return manager.connectedPeers().stream().map(PeerInfo::peerId).toList();
        }
    }

    /** A peer driven by the test, without a LinkManager: it sends whatever it is told to. */
    private static final class RawPeer implements LinkListener {
        final PeerId id = Identity.generate("raw", RANDOM).peerId();
        final InMemoryNetwork network;
        final List<Link> links = new ArrayList<>();
        final List<String> downs = new ArrayList<>();
        Hello helloOnLinkUp = validHello();
        Frame firstFrame;

        RawPeer(InMemoryFabric fabric, VirtualScheduler loop, int n) {
            network = fabric.endpoint(id, new HostPort("10.0.9." + n, 7000), CONFIG, loop);
            network.start(this);
        }

        @Override
        public void linkUp(Link link) {
            links.add(0, link);
            if (firstFrame != null) {
                link.send(firstFrame);
            }
            if (helloOnLinkUp != null) {
                link.send(Frame.newBuilder().setHello(helloOnLinkUp).build());
            }
        }

        @Override
        public void frameReceived(Link link, Frame frame) {
        }

        @Override
        public void linkDown(Link link, String reason) {
            downs.add(reason);
        }

        @Override
        public void dialFailed(DialTarget target, String reason) {
            downs.add("dial failed: " + reason);
        }
    }
}
