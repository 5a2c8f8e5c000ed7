package org.parley.link.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.link.DialTarget;
import org.parley.link.Direction;
import org.parley.link.HostPort;
import org.parley.link.Link;
import org.parley.link.LinkConfig;
import org.parley.link.LinkListener;
import org.parley.proto.wire.v1.WireEnvelope;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.Hello;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;

/** The in-memory medium under latency and loss, as the simulator uses it. */
class LinkConditionsTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HostPort ALICE = new HostPort("10.0.0.1", 7000);
    private static final HostPort BOB = new HostPort("10.0.0.2", 7000);

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);

    @Test
    void framesArriveAfterTheirLatencyAndInTheOrderSent() {
        Pair pair = pair(LinkConditions.of(Duration.ofMillis(10), Duration.ofMillis(50), 0, new SeededRng(1), loop));
        for (int i = 0; i < 100; i++) {
            pair.aliceLink().send(numbered(i));
        }
        loop.advance(Duration.ofMillis(9));
        assertTrue(pair.bob.received.isEmpty(), "nothing arrives before the least latency");
        loop.advance(Duration.ofMillis(200));
        assertEquals(100, pair.bob.received.size());
        for (int i = 0; i < 100; i++) {
            assertEquals(i, pair.bob.received.get(i), "stream order");
        }
    }

    @Test
    void lostPacketsDelayFramesAsRetransmissionsWouldAndTheSameSeedDelaysTheSameOnes() {
        List<Long> first = arrivalsInOrder(7);
        assertEquals(first, arrivalsInOrder(7));
        assertTrue(!first.equals(arrivalsInOrder(8)), "another seed, another pattern");
    }

    @Test
    void withLossEveryFrameStillArrivesInOrderButSomeLate() {
        Pair pair = pair(LinkConditions.of(Duration.ofMillis(1), Duration.ofMillis(1), 0.5, new SeededRng(5), loop));
        for (int i = 0; i < 200; i++) {
            pair.aliceLink().send(numbered(i));
            loop.advance(Duration.ofMillis(10));
        }
        int onTime = pair.bob.received.size();
        assertTrue(onTime < 150, "a lost packet holds its frame and those behind it: " + onTime + " on time");
        loop.advance(Duration.ofMinutes(1));
        assertEquals(200, pair.bob.received.size(), "a stream loses nothing");
        for (int i = 0; i < 200; i++) {
            assertEquals(i, pair.bob.received.get(i));
        }
    }

    @Test
    void impossibleConditionsAreRefused() {
        SeededRng rng = new SeededRng(1);
        assertThrows(IllegalArgumentException.class,
                () -> LinkConditions.of(Duration.ofMillis(5), Duration.ofMillis(1), 0, rng, loop));
        assertThrows(IllegalArgumentException.class,
                () -> LinkConditions.of(Duration.ZERO, Duration.ZERO, 1.0, rng, loop));
        assertThrows(IllegalArgumentException.class,
                () -> LinkConditions.of(Duration.ZERO, Duration.ZERO, Double.NaN, rng, loop));
    }

    /** How many frames have arrived after each 10 ms step, sending one frame per step. */
    private List<Long> arrivalsInOrder(long seed) {
        Pair pair = pair(LinkConditions.of(Duration.ofMillis(1), Duration.ofMillis(1), 0.3, new SeededRng(seed),
                loop));
        List<Long> arrived = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            pair.aliceLink().send(numbered(i));
            loop.advance(Duration.ofMillis(10));
            arrived.add((long) pair.bob.received.size());
        }
        return arrived;
    }

    private static Frame numbered(long n) {
        return Frame.newBuilder().setEnvelope(WireEnvelope.newBuilder().setCreatedAtMs(n)).build();
    }

    private Pair pair(LinkConditions conditions) {
        InMemoryFabric fabric = new InMemoryFabric(conditions);
        Recorder alice = new Recorder();
        Recorder bob = new Recorder();
        InMemoryNetwork aliceNetwork = fabric.endpoint(Identity.generate("alice", RANDOM).peerId(), ALICE,
                LinkConfig.defaults(), loop);
        InMemoryNetwork bobNetwork = fabric.endpoint(Identity.generate("bob", RANDOM).peerId(), BOB,
                LinkConfig.defaults(), loop);
        aliceNetwork.start(alice);
        bobNetwork.start(bob);
        aliceNetwork.dial(DialTarget.anyPeerAt(BOB));
        // Alice's side is up once bob's greeting has crossed the link, lost packets and all.
        for (int millis = 0; alice.links.isEmpty() && millis < 10_000; millis++) {
            loop.advance(Duration.ofMillis(1));
        }
        assertEquals(1, alice.links.size(), "alice's dial was greeted");
        return new Pair(aliceNetwork, alice, bob);
    }

    private record Pair(InMemoryNetwork aliceNetwork, Recorder alice, Recorder bob) {
        Link aliceLink() {
            return alice.links.get(0);
        }
    }

    private static final class Recorder implements LinkListener {
        final List<Link> links = new ArrayList<>();
        final List<Long> received = new ArrayList<>();

        @Override
        public void linkUp(Link link) {
            links.add(link);
            if (link.direction() == Direction.INBOUND) {
                // The answering side speaks first, as the link manager's Hello does: the dialing
                // side's link is up only once greeted.
                link.send(Frame.newBuilder().setHello(Hello.newBuilder().setProtocolVersion(1)).build());
            }
        }

        @Override
        public void frameReceived(Link link, Frame frame) {
            if (frame.hasEnvelope()) {
                received.add(frame.getEnvelope().getCreatedAtMs());
            }
        }

        @Override
        public void linkDown(Link link, String reason) {
        }

        @Override
        public void dialFailed(DialTarget target, String reason) {
        }
    }
}
