package org.parley.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.memory.InMemoryFabric;
import org.parley.link.memory.InMemoryNetwork;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.Hello;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;

/**
 * A stranger dials us and greets with whatever it likes, then goes on with any frames: nothing
 * escapes; a Hello of another protocol (or no Hello) leaves no link; an accepted one is shown
 * bounded (agent, envelope versions, an address that parses and whose host is no longer than a
 * DNS name); and an honest peer still links afterwards.
 */
class HelloFuzzTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final LinkConfig CONFIG = LinkConfig.defaults();
    private static final Identity ALICE = Identity.generate("alice", RANDOM);
    private static final Identity STRANGER = Identity.generate("stranger", RANDOM);
    private static final Identity HONEST = Identity.generate("honest", RANDOM);
    private static final HostPort ALICE_AT = new HostPort("10.0.0.1", 7000);

    @FuzzTest(maxDuration = "60s")
    void anyGreetingLinksBoundedOrNotAtAll(byte[] input) {
        VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
        InMemoryFabric fabric = new InMemoryFabric();
        InMemoryNetwork network = fabric.endpoint(ALICE.peerId(), ALICE_AT, CONFIG, loop);
        LinkManager alice = new LinkManager(ALICE.peerId(), network, loop, loop, new SeededRng(1), CONFIG, "alice");
        alice.start();

        // The first piece is the stranger's Hello (bytes that do not parse as one are not sent);
        // the rest are whatever frames it sends next, a Hello among them. Whichever frame comes
        // first is its greeting.
        List<byte[]> pieces = FuzzedFrames.pieces(input);
        Optional<Hello> hello = Optional.empty();
        if (!pieces.isEmpty()) {
            try {
                hello = Optional.of(Hello.parseFrom(pieces.get(0)));
            } catch (InvalidProtocolBufferException unparsed) {
                // the stranger sends nothing first; the Hello timeout ends it
            }
        }
        List<Frame> after = FuzzedFrames.split(pieces.size() < 2 ? new byte[0]
                : FuzzedFrames.join(pieces.subList(1, pieces.size())), Frame.parser());
        Peer stranger = new Peer(fabric, loop, STRANGER, 9, hello.map(h -> Frame.newBuilder().setHello(h).build()));
        stranger.network.dial(DialTarget.anyPeerAt(ALICE_AT));
        loop.advance(Duration.ofMillis(50));
        for (Frame frame : after) {
            if (!stranger.links.isEmpty()) {
                stranger.links.get(0).send(frame);
            }
            loop.advance(Duration.ofMillis(10));
        }
        loop.advance(CONFIG.helloTimeout());

        Optional<Frame> first = hello.map(h -> Frame.newBuilder().setHello(h).build())
                .or(() -> after.stream().findFirst());
        boolean acceptable = first.isPresent() && first.get().hasHello()
                && first.get().getHello().getProtocolVersion() == LinkConfig.PROTOCOL_VERSION;
        if (!acceptable) {
            assertTrue(alice.connectedPeers().isEmpty(), "no link without a Hello of our protocol");
        }
        for (PeerInfo peer : alice.connectedPeers()) {
            assertEquals(STRANGER.peerId(), peer.peerId());
            assertTrue(peer.agent().length() <= Greeting.MAX_AGENT_LENGTH, "agent bounded");
            assertTrue(peer.envelopeVersions().size() <= Greeting.MAX_ENVELOPE_VERSIONS, "versions bounded");
            // Shown in `peers` and dialled again: a host name no longer than DNS allows.
            assertTrue(HostPort.parse(peer.address()).host().length() <= 253, "address bounded: " + peer.address());
        }

        Peer honest = new Peer(fabric, loop, HONEST, 10, Optional.of(Frame.newBuilder()
                .setHello(Hello.newBuilder().setProtocolVersion(LinkConfig.PROTOCOL_VERSION)).build()));
        honest.network.dial(DialTarget.anyPeerAt(ALICE_AT));
        loop.advance(Duration.ofSeconds(1));
        assertTrue(alice.connectedPeers().stream().anyMatch(peer -> peer.peerId().equals(HONEST.peerId())),
                "an honest peer still links");
        alice.stop();
    }

    /** A peer without a LinkManager: it sends its first frame, then what the test tells it to. */
    private static final class Peer implements LinkListener {
        final InMemoryNetwork network;
        final List<Link> links = new ArrayList<>();
        private final Optional<Frame> first;

        Peer(InMemoryFabric fabric, VirtualScheduler loop, Identity identity, int n, Optional<Frame> first) {
            this.network = fabric.endpoint(identity.peerId(), new HostPort("10.0.9." + n, 7000), CONFIG, loop);
            this.first = first;
            network.start(this);
        }

        @Override
        public void linkUp(Link link) {
            links.add(0, link);
            first.ifPresent(link::send);
        }

        @Override
        public void frameReceived(Link link, Frame frame) {
        }

        @Override
        public void linkDown(Link link, String reason) {
            links.remove(link);
        }

        @Override
        public void dialFailed(DialTarget target, String reason) {
        }
    }
}
