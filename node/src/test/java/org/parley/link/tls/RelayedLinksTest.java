package org.parley.link.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.AddressProbe;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.link.LinkConfig;
import org.parley.link.FrameHandler;
import org.parley.link.LinkManager;
import org.parley.link.LinkPath;
import org.parley.link.LinkListener;
import org.parley.link.PeerInfo;
import org.parley.link.relay.CircuitRelay;
import org.parley.link.relay.RelayChoice;
import org.parley.link.relay.RelayClient;
import org.parley.link.relay.RelayFrames;
import org.parley.link.relay.RelayLimits;
import org.parley.overlay.reachability.Reachability;
import org.parley.overlay.reachability.ReachabilityConfig;
import org.parley.overlay.reachability.ReachabilityService;
import org.parley.proto.wire.v1.CircuitChunk;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.GossipFrame;
import org.parley.proto.wire.v1.Publish;
import org.parley.proto.wire.v1.RelayServiceGrpc;
import org.parley.runtime.EventLoop;
import org.parley.runtime.SeededRng;
import org.parley.runtime.SystemClock;
import org.parley.testing.Eventually;

/**
 * Relayed links over real TLS gRPC on loopback: a relay R, a private node B holding a reservation
 * at R, and A, which reaches B only through R. The link inside the circuit is the ordinary
 * identity-bound TLS link, so a relay that splices elsewhere, answers itself or corrupts bytes
 * breaks it, and the relay's limits and refusals hold.
 */
class RelayedLinksTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void aReachesPrivateBThroughRelayRAndFramesFlowBothWaysEndToEnd() throws Exception {
        Node r = node("r", RelayLimits.defaults(), RelayTampering.NONE, false);
        Node b = node("b", RelayLimits.defaults(), RelayTampering.NONE, true);
        Node a = node("a", RelayLimits.defaults(), RelayTampering.NONE, false);
        reserve(b, r);
        assertEquals(List.of(List.of(r.id())), b.announced, "B names R in its record once R granted");

        a.call(() -> {
            a.links.dialOnce(DialTarget.peerVia(b.id(), r.id(), r.address()));
            return null;
        });
        PeerInfo atA = a.awaitPeer(b.id());
        assertEquals(LinkPath.RELAYED, atA.path());
        assertEquals(Optional.of(r.id()), atA.relay());
        PeerInfo atB = b.awaitPeer(a.id());
        assertEquals(LinkPath.RELAYED, atB.path());
        assertEquals(Optional.of(r.id()), atB.relay());
        assertEquals("via " + r.id(), atB.address());
        assertEquals("via " + r.id(), atA.address());
        assertEquals(Optional.empty(), a.call(() -> a.links.remoteAddressOf(b.id())),
                "the dialling end does not take the relay's address for B's");
        assertEquals(Optional.empty(), b.call(() -> b.links.remoteAddressOf(a.id())));
        // The relay told each end where it sees the other (hole punching aims only there).
        assertEquals("127.0.0.1", a.call(() -> a.links.observedThroughRelay(b.id())).orElseThrow().host());
        assertEquals("127.0.0.1", b.call(() -> b.links.observedThroughRelay(a.id())).orElseThrow().host());
        assertTrue(r.call(() -> r.links.observedThroughRelay(b.id())).isEmpty(), "a direct link has none");

        a.send(b.id(), "hello b");
        assertEquals("hello b", b.nextText());
        b.send(a.id(), "hello a");
        assertEquals("hello a", a.nextText());
        String big = "x".repeat(200_000); // many chunks, both ways
        a.send(b.id(), big);
        assertEquals(big, b.nextText());
        b.send(a.id(), big);
        assertEquals(big, a.nextText());
        assertFalse(r.call(() -> r.links.isConnected(a.id())), "A needs no link to R, only a circuit");
    }

    /**
     * Why an end-to-end test once found two private daemons on one host linked directly: the end
     * that dialled the circuit took the relay's address for the peer's, and dialled the peer back at
     * the relay's IP when asked. On a shared host that reached the peer, whose second confirmation
     * (beside its relay's) made it announce an address, and it was then dialled directly. A peer
     * linked only through a relay is neither asked to dial back nor dials back; one linked directly
     * still is and does.
     */
    @Test
    void aPeerLinkedThroughARelayIsNotAskedToDialBackAndDialsNobodyBack() throws Exception {
        Node r = node("r", RelayLimits.defaults(), RelayTampering.NONE, false);
        Node b = node("b", RelayLimits.defaults(), RelayTampering.NONE, true);
        Node a = node("a", RelayLimits.defaults(), RelayTampering.NONE, false);
        CountingProbe probesByR = new CountingProbe();
        CountingProbe probesByA = new CountingProbe();
        CountingProbe probesByB = new CountingProbe();
        reachability(r, probesByR);
        reachability(a, probesByA);
        ReachabilityService atB = reachability(b, probesByB);
        reserve(b, r);
        // Each end of the direct link asks the other; R's request reaches B before R's answer does.
        Eventually.await(() -> b.call(atB::observedAddresses).size() == 1, "R to dial B back over their direct link");
        assertEquals(1, probesByR.count.get(), "R dialled B back");
        assertEquals(1, probesByB.count.get(), "B dialled R back");

        a.dial(DialTarget.peerVia(b.id(), r.id(), r.address()));
        a.awaitPeer(b.id());
        b.awaitPeer(a.id());
        // Frames on a link arrive in order: a request either end made when the link came up is
        // taken in (and its dial-back started) before the text that follows it.
        b.send(a.id(), "after any request from b");
        assertEquals("after any request from b", a.nextText());
        a.send(b.id(), "after any request from a");
        assertEquals("after any request from a", b.nextText());
        assertEquals(0, probesByA.count.get(), "A dialled B back at the relay's IP");
        assertEquals(1, probesByB.count.get(), "B dialled A back");
        assertEquals(1, probesByR.count.get());
        assertEquals(Reachability.UNKNOWN, b.call(atB::reachability), "only R's word counts for B");
        assertEquals(List.of(), b.call(atB::confirmedAddresses));
    }

    @Test
    void aRelaySplicingToAnotherPeerFailsTheIdentityCheck() throws Exception {
        Node[] carol = new Node[1];
        RelayTampering toCarol = new RelayTampering() {
            @Override
            public PeerId target(PeerId asked) {
                return carol[0].id();
            }
        };
        Node r = node("r", RelayLimits.defaults(), toCarol, false);
        Node b = node("b", RelayLimits.defaults(), RelayTampering.NONE, true);
        carol[0] = node("carol", RelayLimits.defaults(), RelayTampering.NONE, true);
        reserve(b, r);
        reserve(carol[0], r);
        Node a = node("a", RelayLimits.defaults(), RelayTampering.NONE, false);

        a.dial(DialTarget.peerVia(b.id(), r.id(), r.address()));
        String reason = a.nextDialFailure();
        assertTrue(reason.contains("expected peer " + b.id() + " but reached " + carol[0].id()), reason);
        assertFalse(a.call(() -> a.links.isConnected(carol[0].id())));
        assertFalse(carol[0].call(() -> carol[0].links.isConnected(a.id())), "carol's server saw no Hello");
    }

    @Test
    void aRelayTerminatingTlsItselfCannotPoseAsThePeer() throws Exception {
        RelayTampering answersItself = new RelayTampering() {
            @Override
            public boolean terminatesItself() {
                return true;
            }
        };
        Node r = node("r", RelayLimits.defaults(), answersItself, false);
        Node b = node("b", RelayLimits.defaults(), RelayTampering.NONE, true);
        reserve(b, r);
        Node a = node("a", RelayLimits.defaults(), RelayTampering.NONE, false);

        a.dial(DialTarget.peerVia(b.id(), r.id(), r.address()));
        String reason = a.nextDialFailure();
        assertTrue(reason.contains("expected peer " + b.id() + " but reached " + r.id()), reason);
        assertFalse(a.call(() -> a.links.isConnected(b.id())));
        assertFalse(a.call(() -> a.links.isConnected(r.id())), "the relay's own identity is no substitute");
    }

    @Test
    void aRelayCorruptingBytesBreaksTheLinkWhichIsReportedAndTheNodesKeepServing() throws Exception {
        boolean[] corrupt = new boolean[1];
        RelayTampering flipper = new RelayTampering() {
            @Override
            public ByteString carry(ByteString data) {
                if (!corrupt[0]) {
                    return data;
                }
                byte[] bytes = data.toByteArray();
                bytes[bytes.length / 2] ^= 0x20;
                return ByteString.copyFrom(bytes);
            }
        };
        Node r = node("r", RelayLimits.defaults(), flipper, false);
        Node b = node("b", RelayLimits.defaults(), RelayTampering.NONE, true);
        reserve(b, r);
        Node a = node("a", RelayLimits.defaults(), RelayTampering.NONE, false);
        a.dial(DialTarget.peerVia(b.id(), r.id(), r.address()));
        a.awaitPeer(b.id());
        b.awaitPeer(a.id());

        corrupt[0] = true;
        a.send(b.id(), "tampered on the way");
        b.awaitGone(a.id());
        a.awaitGone(b.id());
        assertTrue(b.texts.isEmpty(), "nothing corrupted was delivered");

        corrupt[0] = false;
        a.dial(DialTarget.peerVia(b.id(), r.id(), r.address()));
        a.awaitPeer(b.id());
        a.send(b.id(), "after the break");
        assertEquals("after the break", b.nextText());
        assertTrue(b.call(() -> b.links.isConnected(r.id())), "B kept its link and reservation at R");
    }

    @Test
    void circuitsAreRefusedWithAReasonToUnreservedPeersFromBannedPeersAndWhenRelayingIsOff() throws Exception {
        Node r = node("r", RelayLimits.defaults(), RelayTampering.NONE, false);
        Node b = node("b", RelayLimits.defaults(), RelayTampering.NONE, true);
        Node a = node("a", RelayLimits.defaults(), RelayTampering.NONE, false);
        a.dial(DialTarget.peerVia(b.id(), r.id(), r.address()));
        assertRefused("no reservation for " + b.id(), a.nextDialFailure());

        reserve(b, r);
        Node mallory = node("mallory", RelayLimits.defaults(), RelayTampering.NONE, false);
        r.call(() -> {
            r.links.penalize(mallory.id(), 1000, "test: banned");
            return null;
        });
        mallory.dial(DialTarget.peerVia(b.id(), r.id(), r.address()));
        assertRefused("you are banned here", mallory.nextDialFailure());

        Node off = node("off", RelayLimits.defaults().disabled(), RelayTampering.NONE, false);
        Node c = node("c", RelayLimits.defaults(), RelayTampering.NONE, true);
        c.call(() -> {
            c.links.keepLinkTo(DialTarget.peerAt(off.id(), off.address()));
            return null;
        });
        c.awaitPeer(off.id());
        a.dial(DialTarget.peerVia(c.id(), off.id(), off.address()));
        assertRefused("this node does not relay", a.nextDialFailure());
        assertEquals(List.of(), c.call(c.client::relays), "a node that does not relay grants no reservation");

        a.dial(DialTarget.peerVia(b.id(), r.id(), r.address()));
        a.awaitPeer(b.id()); // and R serves the honest peer all along
    }

    @Test
    void malformedAndOversizedCircuitStreamsAreRefusedAndScoredDown() throws Exception {
        Node r = node("r", RelayLimits.defaults(), RelayTampering.NONE, false);
        Node b = node("b", RelayLimits.defaults(), RelayTampering.NONE, true);
        reserve(b, r);
        Identity mallory = Identity.generate("mallory", RANDOM);

        RawCircuit dataFirst = rawCircuit(mallory, r);
        dataFirst.send(CircuitChunk.newBuilder().setData(ByteString.copyFromUtf8("hi")).build());
        Status refused = dataFirst.awaitEnd();
        assertEquals(Status.Code.INVALID_ARGUMENT, refused.getCode());
        assertTrue(refused.getDescription().contains("opened with DATA"), refused.toString());

        RawCircuit shortKey = rawCircuit(mallory, r);
        shortKey.send(CircuitChunk.newBuilder().setConnect(ByteString.copyFrom(new byte[7])).build());
        assertTrue(shortKey.awaitEnd().getDescription().contains("key of 7 bytes"));

        RawCircuit strangersAnswer = rawCircuit(mallory, r);
        strangersAnswer.send(CircuitChunk.newBuilder().setAccept(1).build());
        assertEquals(Status.Code.PERMISSION_DENIED, strangersAnswer.awaitEnd().getCode());

        Identity oversized = Identity.generate("oversized", RANDOM);
        RawCircuit big = rawCircuit(oversized, r);
        big.send(CircuitChunk.newBuilder().setConnect(ByteString.copyFrom(b.id().publicKey())).build());
        big.send(CircuitChunk.newBuilder().setData(ByteString.copyFrom(new byte[LocalPipe.MAX_CHUNK + 1])).build());
        Status tooBig = big.awaitEnd();
        assertTrue(tooBig.getDescription().contains("circuit chunk of " + (LocalPipe.MAX_CHUNK + 1) + " bytes"),
                tooBig.toString());

        // Three protocol violations of 25 points each (less what decays meanwhile): scored, not yet banned...
        assertTrue(r.call(() -> !r.links.isBanned(mallory.peerId())));
        for (int i = 0; i < 2; i++) {
            RawCircuit again = rawCircuit(mallory, r);
            again.send(CircuitChunk.newBuilder().setData(ByteString.copyFromUtf8("again")).build());
            again.awaitEnd();
        }
        // ...and two more cross the ban limit.
        assertTrue(r.call(() -> r.links.isBanned(mallory.peerId())), "repeated malformed circuits ban the peer");
        RawCircuit banned = rawCircuit(mallory, r);
        banned.send(CircuitChunk.newBuilder().setConnect(ByteString.copyFrom(b.id().publicKey())).build());
        assertEquals("you are banned here", banned.awaitEnd().getDescription());

        Node a = node("a", RelayLimits.defaults(), RelayTampering.NONE, false);
        a.dial(DialTarget.peerVia(b.id(), r.id(), r.address()));
        a.awaitPeer(b.id());
    }

    @Test
    void aCircuitIsClosedAtItsByteLimitAndItsDurationLimit() throws Exception {
        RelayLimits small = RelayLimits.defaults().withCircuitBudget(1024 * 1024, 64 * 1024, Duration.ofMinutes(5));
        Node r = node("r", small, RelayTampering.NONE, false);
        Node b = node("b", RelayLimits.defaults(), RelayTampering.NONE, true);
        reserve(b, r);
        Node a = node("a", RelayLimits.defaults(), RelayTampering.NONE, false);
        a.dial(DialTarget.peerVia(b.id(), r.id(), r.address()));
        a.awaitPeer(b.id());
        a.send(b.id(), "y".repeat(100_000));
        a.awaitGone(b.id());
        assertTrue(b.texts.isEmpty(), "the frame did not fit in the circuit's bytes");

        RelayLimits brief = RelayLimits.defaults().withCircuitBudget(1024 * 1024, 1024 * 1024, Duration.ofSeconds(2));
        Node shortLived = node("r2", brief, RelayTampering.NONE, false);
        reserve(b, shortLived);
        long start = System.nanoTime();
        a.dial(DialTarget.peerVia(b.id(), shortLived.id(), shortLived.address()));
        a.awaitPeer(b.id());
        a.awaitGone(b.id());
        long lasted = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(lasted >= 1500, "the circuit lasted " + lasted + " ms");
    }

    @Test
    void theRelayPacesACircuitToItsRate() throws Exception {
        RelayLimits slow = RelayLimits.defaults().withCircuitBudget(64 * 1024, 16 * 1024 * 1024, Duration.ofMinutes(5));
        Node r = node("r", slow, RelayTampering.NONE, false);
        Node b = node("b", RelayLimits.defaults(), RelayTampering.NONE, true);
        reserve(b, r);
        Node a = node("a", RelayLimits.defaults(), RelayTampering.NONE, false);
        a.dial(DialTarget.peerVia(b.id(), r.id(), r.address()));
        a.awaitPeer(b.id());
        String quarterMegabyte = "z".repeat(256 * 1024);
        long start = System.nanoTime();
        a.send(b.id(), quarterMegabyte);
        assertEquals(quarterMegabyte, b.nextText());
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        // 256 KiB at 64 KiB/s with one second's burst: at least about three seconds.
        assertTrue(took >= 2500, "256 KiB crossed a 64 KiB/s circuit in " + took + " ms");
    }

    private static void assertRefused(String expected, String reason) {
        assertTrue(reason.contains(expected), reason);
    }

    private void reserve(Node privateNode, Node relay) throws Exception {
        privateNode.call(() -> {
            privateNode.links.keepLinkTo(DialTarget.peerAt(relay.id(), relay.address()));
            return null;
        });
        Eventually.await(() -> privateNode.call(privateNode.client::relays).contains(relay.id()),
                privateNode.name + " to get a reservation at " + relay.name);
    }

    /** Dial-back checks on {@code node}, its dial-backs counted by {@code probes}. */
    private ReachabilityService reachability(Node node, CountingProbe probes) {
        TlsAddressProbe tls = new TlsAddressProbe(node.identity, node.loop, Duration.ofSeconds(5));
        resources.add(tls);
        probes.inner = tls;
        ReachabilityService service = new ReachabilityService(node.links, node.links::remoteAddressOf, probes,
                node.network::listenAddresses, node.loop, SystemClock.INSTANCE, SeededRng.fromEntropy(),
                ReachabilityConfig.defaults());
        node.call(() -> {
            node.links.addLayer(service);
            service.start();
            return null;
        });
        resources.add(() -> node.call(() -> {
            service.stop();
            return null;
        }));
        return service;
    }

    /** A node's real dial-back probe, counting the dial-backs it makes. */
    private static final class CountingProbe implements AddressProbe {
        final AtomicInteger count = new AtomicInteger();
        AddressProbe inner;

        @Override
        public void probe(PeerId expected, HostPort address, Consumer<Boolean> done) {
            count.incrementAndGet();
            inner.probe(expected, address, done);
        }
    }

    private Node node(String name, RelayLimits limits, RelayTampering tampering, boolean isPrivate) {
        Node node = new Node(name, limits, tampering, () -> isPrivate);
        resources.add(node);
        return node;
    }

    private RawCircuit rawCircuit(Identity identity, Node relay) throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress(relay.address().host(), relay.address().port())
                .sslContext(TlsContexts.client(new OwnKeyManager(CertificateBinding.create(identity)),
                        new PeerTrustManager(Optional.of(relay.id()))))
                .build();
        resources.add(channel::shutdownNow);
        RawCircuit circuit = new RawCircuit();
        circuit.requests = RelayServiceGrpc.newStub(channel).circuit(circuit);
        return circuit;
    }

    /** A circuit stream driven by hand, as a hostile peer would. */
    private static final class RawCircuit implements StreamObserver<CircuitChunk> {
        private final CompletableFuture<Status> end = new CompletableFuture<>();
        StreamObserver<CircuitChunk> requests;

        void send(CircuitChunk chunk) {
            requests.onNext(chunk);
        }

        Status awaitEnd() throws Exception {
            return end.get(20, TimeUnit.SECONDS);
        }

        @Override
        public void onNext(CircuitChunk chunk) {
        }

        @Override
        public void onError(Throwable error) {
            end.complete(Status.fromThrowable(error));
        }

        @Override
        public void onCompleted() {
            end.complete(Status.OK);
        }
    }

    /** A link manager on the TLS network with a relay and a relay client, as the node wires them. */
    private static final class Node implements AutoCloseable, FrameHandler {
        final String name;
        final Identity identity = Identity.generate("test", RANDOM);
        final EventLoop loop;
        final TlsGrpcNetwork network;
        final LinkManager links;
        final RelayClient client;
        final List<List<PeerId>> announced = new ArrayList<>();
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final BlockingQueue<String> dialFailures = new LinkedBlockingQueue<>();

        Node(String name, RelayLimits limits, RelayTampering tampering, BooleanSupplier isPrivate) {
            this.name = name;
            loop = new EventLoop("test-" + name);
            network = new TlsGrpcNetwork(identity, new HostPort("127.0.0.1", 0), LinkConfig.defaults(), loop,
                    CertificateBinding.create(identity), tampering);
            links = new LinkManager(identity.peerId(), new FailureTap(network, dialFailures), loop,
                    SystemClock.INSTANCE, SeededRng.fromEntropy(), LinkConfig.defaults(), "test/" + name);
            CircuitRelay<?> relay = network.serveRelay(links, links::isBanned, SystemClock.INSTANCE, limits);
            client = new RelayClient(links, loop, RelayChoice.defaults(), isPrivate, announced::add,
                    network::answerCircuit);
            links.addListener(relay);
            links.addListener(client);
            links.addFrameHandler(new RelayFrames(relay, client));
            links.addFrameHandler(this);
            call(() -> {
                links.start();
                client.start();
                return null;
            });
        }

        PeerId id() {
            return identity.peerId();
        }

        HostPort address() {
            return network.listenAddresses().get(0);
        }

        void dial(DialTarget target) {
            call(() -> {
                links.dialOnce(target);
                return null;
            });
        }

        void send(PeerId peer, String text) {
            assertTrue(call(() -> links.send(peer, Frame.newBuilder().setGossip(GossipFrame.newBuilder()
                    .setPublish(Publish.newBuilder().setTopic("test").setPayload(ByteString.copyFromUtf8(text))))
                    .build())));
        }

        String nextText() throws InterruptedException {
            String text = texts.poll(20, TimeUnit.SECONDS);
            if (text == null) {
                throw new AssertionError(name + " received nothing within 20 s");
            }
            return text;
        }

        String nextDialFailure() throws InterruptedException {
            String reason = dialFailures.poll(20, TimeUnit.SECONDS);
            if (reason == null) {
                throw new AssertionError(name + ": no dial failed within 20 s");
            }
            return reason;
        }

        PeerInfo awaitPeer(PeerId peer) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                Optional<PeerInfo> info = call(() -> links.connectedPeers().stream()
                        .filter(candidate -> candidate.peerId().equals(peer)).findFirst());
                if (info.isPresent()) {
                    return info.get();
                }
                Thread.sleep(20);
            }
            throw new AssertionError(name + " has no link to " + peer + "; dial failures: " + dialFailures);
        }

        void awaitGone(PeerId peer) throws Exception {
            Eventually.await(() -> !call(() -> links.isConnected(peer)), name + " to lose its link to " + peer);
        }

        <T> T call(Supplier<T> task) {
            return CompletableFuture.supplyAsync(task, loop).join();
        }

        @Override
        public java.util.Set<Frame.BodyCase> frameTypes() {
            return java.util.Set.of(Frame.BodyCase.GOSSIP);
        }

        @Override
        public void frameReceived(PeerId from, Frame frame) {
            texts.add(frame.getGossip().getPublish().getPayload().toStringUtf8());
        }

        @Override
        public void close() {
            call(() -> {
                client.stop();
                links.stop();
                return null;
            });
            loop.close();
        }
    }

    /** The network, with every dial failure's reason also recorded for the test. */
    private record FailureTap(TlsGrpcNetwork network, BlockingQueue<String> failures) implements org.parley.link.Network {
        @Override
        public void start(LinkListener listener) {
            network.start(new LinkListener() {
                @Override
                public void linkUp(org.parley.link.Link link) {
                    listener.linkUp(link);
                }

                @Override
                public void frameReceived(org.parley.link.Link link, Frame frame) {
                    listener.frameReceived(link, frame);
                }

                @Override
                public void linkDown(org.parley.link.Link link, String reason) {
                    listener.linkDown(link, reason);
                }

                @Override
                public void dialFailed(DialTarget target, String reason) {
                    failures.add(reason);
                    listener.dialFailed(target, reason);
                }
            });
        }

        @Override
        public List<HostPort> listenAddresses() {
            return network.listenAddresses();
        }

        @Override
        public void dial(DialTarget target) {
            network.dial(target);
        }

        @Override
        public void close() {
            network.close();
        }
    }
}
