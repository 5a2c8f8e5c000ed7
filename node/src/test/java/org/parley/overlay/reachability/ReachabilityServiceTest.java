package org.parley.overlay.reachability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.AddressProbe;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.link.LinkConfig;
import org.parley.link.FrameHandler;
import org.parley.link.LinkManager;
import org.parley.link.memory.InMemoryAddressProbe;
import org.parley.link.memory.InMemoryFabric;
import org.parley.proto.wire.v1.DialBackRequest;
import org.parley.proto.wire.v1.DialBackResponse;
import org.parley.proto.wire.v1.DialBackResponse.Outcome;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.ReachabilityFrame;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;

/** Dial-back checks between whole link stacks on the in-memory network and a virtual clock. */
class ReachabilityServiceTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ReachabilityConfig CONFIG = ReachabilityConfig.defaults();

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    private final InMemoryFabric fabric = new InMemoryFabric();
    private int nodes;

    @Test
    void aNodeTwoPeersReachIsPublicAtTheAddressTheySawAndOnePeerIsNotEnough() {
        Node alice = node("0.0.0.0");
        Node bob = node(null);
        Node carol = node(null);
        alice.dial(bob);
        loop.advance(Duration.ofSeconds(5));
        assertEquals(Reachability.UNKNOWN, alice.service.reachability(), "one peer's word is not enough");
        assertEquals(List.of(alice.address), alice.service.observedAddresses(),
                "the wildcard host was dialled as the IP the peer saw");

        alice.dial(carol);
        loop.advance(Duration.ofSeconds(5));
        assertEquals(Reachability.PUBLIC, alice.service.reachability());
        assertEquals(List.of(alice.address), alice.service.confirmedAddresses());
        assertEquals(List.of(alice.address.toString()), AnnouncedAddresses.of(List.of(),
                        List.of(new HostPort("0.0.0.0", alice.address.port())), alice.service.confirmedAddresses(),
                        alice.service.reachability()),
                "the record names the confirmed address, never the wildcard");
    }

    @Test
    void aNodeBehindANatIsPrivateAndAnnouncesNothing() {
        Node alice = node("0.0.0.0");
        fabric.refuseInbound(alice.address);
        Node seed = node(null);
        Node bob = node(null);
        alice.dial(seed);
        alice.dial(bob);
        loop.advance(Duration.ofSeconds(5));

        assertEquals(Reachability.PRIVATE, alice.service.reachability());
        assertEquals(List.of(), alice.service.confirmedAddresses());
        assertEquals(List.of(alice.address), alice.service.observedAddresses());
        assertEquals(List.of(), AnnouncedAddresses.of(List.of(), List.of(new HostPort("0.0.0.0", 7000)),
                alice.service.confirmedAddresses(), alice.service.reachability()));
        // The peers that dialled out to nobody are themselves reachable: alice dialled them back.
        loop.advance(Duration.ofSeconds(5));
        assertEquals(Reachability.UNKNOWN, seed.service.reachability(), "one answer (alice's) so far");
    }

    @Test
    void answersGoStaleAndPeersAreAskedAgain() {
        Node alice = node(null);
        Node bob = node(null);
        Node carol = node(null);
        alice.dial(bob);
        alice.dial(carol);
        loop.advance(Duration.ofSeconds(5));
        assertEquals(Reachability.PUBLIC, alice.service.reachability());

        fabric.refuseInbound(alice.address); // alice's network changed: a router now stands in front
        loop.advance(CONFIG.resultLifetime().plus(CONFIG.recheckInterval()));
        assertEquals(Reachability.PRIVATE, alice.service.reachability());
        assertEquals(List.of(), alice.service.confirmedAddresses());
    }

    /**
     * alice sits behind a router that forwards only port 7450, once mapped; peers dial back slowly
     * at other ports, so the answers about her old address come in after those about the mapping.
     */
    @Test
    void aPortMappingIsCheckedAgainWhenItAppearsAndLateAnswersAboutTheOldAddressDoNotCount() {
        int mapped = 7450;
        AddressProbe routerForwardsOnlyTheMappedPort = (expected, address, done) -> loop.schedule(
                Duration.ofSeconds(address.port() == mapped ? 1 : 3), () -> done.accept(address.port() == mapped));
        List<HostPort> dialBackAt = new ArrayList<>(List.of(new HostPort("0.0.0.0", 7000)));
        Node alice = nodeDialledBackAt(() -> List.copyOf(dialBackAt));
        Node bob = node(null, routerForwardsOnlyTheMappedPort);
        Node carol = node(null, routerForwardsOnlyTheMappedPort);
        alice.dial(bob);
        alice.dial(carol);
        loop.advance(Duration.ofMillis(500));

        dialBackAt.add(0, new HostPort("0.0.0.0", mapped)); // the router granted the mapping
        alice.service.recheck();
        loop.advance(Duration.ofSeconds(5));

        HostPort atTheMapping = new HostPort(alice.address.host(), mapped);
        assertEquals(Reachability.PUBLIC, alice.service.reachability());
        assertEquals(List.of(atTheMapping), alice.service.confirmedAddresses());
        assertTrue(alice.links.connectedPeers().size() == 2 && !alice.links.isBanned(bob.id())
                && !alice.links.isBanned(carol.id()), "late answers are no lies");
    }

    @Test
    void aDialBackAimedAtAnotherAddressIsRefusedWithoutDialling() {
        CountingProbe probe = new CountingProbe();
        Node seed = node(null, probe);
        Node victim = node(null);
        Raw mallory = raw();
        mallory.dial(seed);
        loop.advance(Duration.ofSeconds(1));

        mallory.send(seed, request(42, victim.address.toString()));
        mallory.send(seed, request(43, "203.0.113.9:22"));
        loop.advance(Duration.ofSeconds(1));

        assertEquals(0, probe.count, "nothing was dialled");
        assertEquals(List.of(Outcome.REFUSED_OTHER_ADDRESS, Outcome.REFUSED_OTHER_ADDRESS),
                mallory.responses.stream().map(DialBackResponse::getOutcome).toList());
        assertEquals(mallory.address.host() + ":22", mallory.responses.get(1).getObservedAddress(),
                "the answer names the only address the seed would dial: mallory's own IP");
    }

    @Test
    void aFloodOfDialBackRequestsIsRateLimitedAndTheFlooderBanned() {
        CountingProbe probe = new CountingProbe();
        Node seed = node(null, probe);
        Raw mallory = raw();
        mallory.dial(seed);
        loop.advance(Duration.ofSeconds(1));

        for (int i = 1; i <= 80; i++) {
            mallory.send(seed, request(i, "0.0.0.0:7000"));
        }
        loop.advance(Duration.ofSeconds(1));

        assertEquals((int) CONFIG.requesterBurst(), probe.count, "one requester causes only its burst of dials");
        assertTrue(mallory.responses.stream().filter(r -> r.getOutcome() == Outcome.RATE_LIMITED).count() >= 40,
                "the rest are answered as rate-limited");
        assertTrue(seed.links.isBanned(mallory.id()), "and the flooder is banned");
    }

    @Test
    void manyRequestersTogetherCauseNoMoreDialsThanTheGlobalLimit() {
        CountingProbe probe = new CountingProbe();
        ReachabilityConfig manyInFlight = new ReachabilityConfig(2, 1, 5, Duration.ofSeconds(20),
                Duration.ofMinutes(30), Duration.ofMinutes(5), 1.0 / 60, 3, 1, 10, 100);
        Node seed = node(null, probe, manyInFlight);
        List<Raw> crowd = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            Raw requester = raw();
            requester.dial(seed);
            crowd.add(requester);
        }
        loop.advance(Duration.ofSeconds(1));
        for (Raw requester : crowd) {
            requester.send(seed, request(7, "0.0.0.0:7000"));
        }
        loop.advance(Duration.ofMillis(10));

        assertEquals((int) manyInFlight.globalBurst(), probe.count);
        assertEquals(25 - (int) manyInFlight.globalBurst(), crowd.stream().flatMap(r -> r.responses.stream())
                .filter(r -> r.getOutcome() == Outcome.RATE_LIMITED).count());
    }

    @Test
    void malformedRequestsAndForgedAnswersScoreThePeerDown() {
        CountingProbe probe = new CountingProbe();
        Node seed = node(null, probe);
        Raw mallory = raw();
        mallory.dial(seed);
        loop.advance(Duration.ofSeconds(1));

        List<Frame> malformed = List.of(request(0, "0.0.0.0:7000"), request(5, "not an address"),
                request(6, "0.0.0.0:0"), request(7, "0.0.0.0:70000"), request(8, "a".repeat(200) + ":1"),
                request(9, ""), Frame.newBuilder().setReachability(ReachabilityFrame.getDefaultInstance()).build());
        malformed.forEach(frame -> mallory.send(seed, frame));
        // Answers to requests the seed never made.
        for (int i = 0; i < 5; i++) {
            mallory.send(seed, Frame.newBuilder().setReachability(ReachabilityFrame.newBuilder().setResponse(
                    DialBackResponse.newBuilder().setNonce(1000 + i).setOutcome(Outcome.REACHABLE)
                            .setObservedAddress(seed.address.toString()))).build());
        }
        loop.advance(Duration.ofSeconds(1));

        assertEquals(0, probe.count, "no malformed request led to a dial");
        assertTrue(mallory.responses.isEmpty(), "and none was answered");
        assertTrue(seed.links.isBanned(mallory.id()), "the peer was scored down until banned");
        assertEquals(Reachability.UNKNOWN, seed.service.reachability(), "forged answers count for nothing");
    }

    @Test
    void oneLyingPeerCannotMakeANodeBehindNatPublic() {
        Node alice = node("0.0.0.0");
        fabric.refuseInbound(alice.address);
        Raw liar = raw();
        liar.answerEveryRequest = Outcome.REACHABLE;
        Node honest = node(null);
        alice.links.keepLinkTo(DialTarget.peerAt(liar.id(), liar.address));
        alice.dial(honest);
        loop.advance(Duration.ofSeconds(5));

        assertEquals(1, liar.answered, "the liar was asked and said reachable");
        assertEquals(Reachability.UNKNOWN, alice.service.reachability());
        assertEquals(List.of(), alice.service.confirmedAddresses());
    }

    private Frame request(long nonce, String address) {
        return Frame.newBuilder().setReachability(ReachabilityFrame.newBuilder().setRequest(
                DialBackRequest.newBuilder().setNonce(nonce).setAddress(address))).build();
    }

    /** A node with the service; {@code listenHost} overrides the host it says it listens on. */
    private Node node(String listenHost) {
        return node(listenHost, null);
    }

    private Node node(String listenHost, AddressProbe probeOverride) {
        return node(listenHost, probeOverride, CONFIG);
    }

    private Node node(String listenHost, AddressProbe probeOverride, ReachabilityConfig config) {
        return node(listenHost, probeOverride, config, null);
    }

    /** A node that asks to be dialled back where {@code dialBackAt} says. */
    private Node nodeDialledBackAt(Supplier<List<HostPort>> dialBackAt) {
        return node(null, null, CONFIG, dialBackAt);
    }

    private Node node(String listenHost, AddressProbe probeOverride, ReachabilityConfig config,
                      Supplier<List<HostPort>> dialBackAt) {
        int n = ++nodes;
        Identity identity = Identity.generate("node" + n, RANDOM);
        HostPort address = new HostPort("10.0." + n + ".1", 7000);
        LinkManager links = new LinkManager(identity.peerId(),
                fabric.endpoint(identity.peerId(), address, LinkConfig.defaults(), loop), loop, loop,
                new SeededRng(n), LinkConfig.defaults(), "test");
        AddressProbe realProbe = new InMemoryAddressProbe(fabric, address, loop);
        AddressProbe probe = probeOverride == null ? realProbe : probeOverride;
        if (probeOverride instanceof CountingProbe counting) {
            counting.inner = realProbe;
        }
        HostPort listening = listenHost == null ? address : new HostPort(listenHost, address.port());
        ReachabilityService service = new ReachabilityService(links, links::remoteAddressOf, probe,
                dialBackAt != null ? dialBackAt : () -> List.of(listening), loop, loop, new SeededRng(100 + n), config);
        links.addLayer(service);
        links.start();
        service.start();
        return new Node(identity.peerId(), address, links, service);
    }

    /** A peer without the service: it sends whatever a test hands it and keeps what comes back. */
    private Raw raw() {
        int n = ++nodes;
        Identity identity = Identity.generate("raw" + n, RANDOM);
        HostPort address = new HostPort("10.0." + n + ".1", 7000);
        LinkManager links = new LinkManager(identity.peerId(),
                fabric.endpoint(identity.peerId(), address, LinkConfig.defaults(), loop), loop, loop,
                new SeededRng(n), LinkConfig.defaults(), "test");
        Raw raw = new Raw(identity.peerId(), address, links);
        links.addFrameHandler(raw);
        links.start();
        return raw;
    }

    private record Node(PeerId id, HostPort address, LinkManager links, ReachabilityService service) {
        void dial(Node other) {
            links.keepLinkTo(DialTarget.peerAt(other.id, other.address));
        }
    }

    private static final class Raw implements FrameHandler {
        final PeerId id;
        final HostPort address;
        final LinkManager links;
        final List<DialBackResponse> responses = new ArrayList<>();
        Outcome answerEveryRequest;
        int answered;

        Raw(PeerId id, HostPort address, LinkManager links) {
            this.id = id;
            this.address = address;
            this.links = links;
        }

        PeerId id() {
            return id;
        }

        void dial(Node node) {
            links.keepLinkTo(DialTarget.peerAt(node.id, node.address));
        }

        void send(Node node, Frame frame) {
            assertTrue(links.send(node.id, frame), "linked");
        }

        @Override
        public java.util.Set<Frame.BodyCase> frameTypes() {
            return java.util.Set.of(Frame.BodyCase.REACHABILITY);
        }

        @Override
        public void frameReceived(PeerId from, Frame frame) {
            ReachabilityFrame message = frame.getReachability();
            if (message.hasResponse()) {
                responses.add(message.getResponse());
            } else if (message.hasRequest() && answerEveryRequest != null) {
                answered++;
                links.send(from, Frame.newBuilder().setReachability(ReachabilityFrame.newBuilder().setResponse(
                        DialBackResponse.newBuilder().setNonce(message.getRequest().getNonce())
                                .setOutcome(answerEveryRequest)
                                .setObservedAddress(links.remoteAddressOf(from).orElseThrow().host() + ":7000")))
                        .build());
            }
        }
    }

    /** The node's real probe, counting the dials it makes. */
    private static final class CountingProbe implements AddressProbe {
        AddressProbe inner;
        int count;

        @Override
        public void probe(PeerId expected, HostPort address, Consumer<Boolean> done) {
            count++;
            inner.probe(expected, address, done);
        }
    }

    @Test
    void aGivenAnnounceListWinsAndASpecificBindIsKeptUntilFoundPrivate() {
        HostPort given = new HostPort("198.51.100.7", 7450);
        HostPort bound = new HostPort("127.0.0.1", 7001);
        assertEquals(List.of(given.toString()), AnnouncedAddresses.of(List.of(given), List.of(bound), List.of(),
                Reachability.PRIVATE));
        assertEquals(List.of(bound.toString()), AnnouncedAddresses.of(List.of(), List.of(bound), List.of(),
                Reachability.UNKNOWN));
        assertEquals(List.of(), AnnouncedAddresses.of(List.of(), List.of(bound), List.of(), Reachability.PRIVATE));
        assertEquals(List.of(), AnnouncedAddresses.of(List.of(), List.of(new HostPort("::", 7001)), List.of(),
                Reachability.UNKNOWN), "a wildcard tells nobody where to dial");
        assertEquals(List.of(), AnnouncedAddresses.of(List.of(), List.of(new HostPort("0.0.0.0", 7450)), List.of(),
                Reachability.UNKNOWN));
    }
}
