package org.parley.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.Hello;
import org.parley.runtime.EventLoop;

/**
 * What every {@link Network} promises the link layer, run against each implementation: the TLS
 * network the daemon uses and the in-memory one the simulator and the tests use. The in-memory
 * network stands in for the real one in every simulated run, so where the two differ here, the
 * in-memory one is wrong.
 *
 * <p>Each node runs on a real {@link EventLoop}, as in the daemon, and every listener call is
 * checked to arrive on it. Every node greets each new link with a frame as soon as it is up, as the
 * link manager does with its Hello: the answering node speaks first, and the dialing side's link
 * comes up with that first frame.
 */
public abstract class NetworkContractTest {
    protected static final SecureRandom RANDOM = new SecureRandom();
    protected static final int FRAME_LIMIT = 8 * 1024;
    protected static final int QUEUE_FRAMES = 16;
    protected static final LinkConfig CONFIG = new LinkConfig(FRAME_LIMIT, QUEUE_FRAMES,
            Duration.ofSeconds(5), 500, 2000, 100, 1, LinkConfig.defaults().banDuration(),
            LinkConfig.defaults().redial(), LinkConfig.defaults().keepAlive());
    /** How many frames a stalled reader may absorb before the sender must be told no. */
    private static final int BACK_PRESSURE_CAP = 50_000;
    private static final long WAIT_SECONDS = 20;

    private final List<AutoCloseable> resources = new ArrayList<>();

    /** A network for {@code identity} on a fresh listening address, reporting on {@code loop}; not started. */
    protected abstract Network newNetwork(Identity identity, LinkConfig config, EventLoop loop);

    /** An address at which nothing listens. */
    protected abstract HostPort addressNobodyListensAt() throws Exception;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void aDialedLinkComesUpOnBothSidesNamingTheOtherPeerAndTheWayItWasMade() throws Exception {
        Node alice = node("alice");
        Node bob = node("bob");
        DialTarget target = DialTarget.anyPeerAt(alice.address());
        bob.network.dial(target);

        Link atBob = bob.events.next(Kind.UP).link();
        Link atAlice = alice.events.next(Kind.UP).link();
        assertEquals(alice.identity.peerId(), atBob.remotePeer());
        assertEquals(Direction.OUTBOUND, atBob.direction());
        assertEquals(target, atBob.dialTarget().orElseThrow());
        assertEquals(bob.identity.peerId(), atAlice.remotePeer());
        assertEquals(Direction.INBOUND, atAlice.direction());
        assertTrue(atAlice.dialTarget().isEmpty());
        alice.events.assertClean();
        bob.events.assertClean();
    }

    @Test
    void burstsUpToTheQueueBoundAreTakenWholeAndArriveOnceEachInOrderBothWays() throws Exception {
        Node alice = node("alice");
        Node bob = node("bob");
        Pair pair = link(bob, alice);
        for (int burst = 0; burst < 20; burst++) {
            String toAlice = "to-alice-" + burst + "-";
            String toBob = "to-bob-" + burst + "-";
            assertEquals(QUEUE_FRAMES, sendNumbered(bob, pair.dialerSide(), toAlice, QUEUE_FRAMES));
            assertEquals(QUEUE_FRAMES, sendNumbered(alice, pair.answererSide(), toBob, QUEUE_FRAMES));
            assertEquals(numbers(toAlice, QUEUE_FRAMES), alice.events.agents(toAlice, QUEUE_FRAMES));
            assertEquals(numbers(toBob, QUEUE_FRAMES), bob.events.agents(toBob, QUEUE_FRAMES));
        }
        alice.events.assertClean();
        bob.events.assertClean();
    }

    @Test
    void theDialingSideIsUpWithTheAnsweringSidesFirstFrameAndADialNeverGreetedFails() throws Exception {
        Node alice = node("alice");
        Node bob = node("bob");
        bob.network.dial(DialTarget.anyPeerAt(alice.address()));
        Link atBob = bob.events.next(Kind.UP).link();
        Event first = bob.events.next(Kind.FRAME);
        assertEquals(atBob, first.link());
        assertEquals(greeting(alice), first.agent(), "the answering node's greeting is the dialer's first frame");

        Node silent = node("silent", false);
        bob.network.dial(DialTarget.anyPeerAt(silent.address()));
        assertEquals(silent.address(), bob.events.next(Kind.DIAL_FAILED).target().address());
        Link atSilent = silent.events.next(Kind.UP).link();
        assertEquals(atSilent, silent.events.next(Kind.DOWN).link(), "the answering side sees its link go");
        silent.events.assertClean();
        bob.events.assertClean();
    }

    @Test
    void closingALinkReportsItDownExactlyOnceOnEachSideAndItSendsNothingMore() throws Exception {
        Node alice = node("alice");
        Node bob = node("bob");
        Pair pair = link(bob, alice);

        bob.onLoop(() -> {
            pair.dialerSide().close("done");
            pair.dialerSide().close("done again");
            return null;
        });
        assertEquals(pair.dialerSide(), bob.events.next(Kind.DOWN).link());
        assertEquals(pair.answererSide(), alice.events.next(Kind.DOWN).link());
        assertFalse(bob.onLoop(() -> pair.dialerSide().send(hello("late"))), "a closed link takes no frame");
        assertFalse(alice.onLoop(() -> pair.answererSide().send(hello("late"))), "nor does its other end");
        alice.onLoop(() -> {
            pair.answererSide().close("closed here too");
            return null;
        });

        bob.events.assertQuietFor(300);
        alice.events.assertQuietFor(300);
        bob.events.assertClean();
        alice.events.assertClean();
    }

    @Test
    void closingTheNetworkTakesEachOfItsLinksDownOnceOnBothSides() throws Exception {
        Node alice = node("alice");
        Node bob = node("bob");
        Node carol = node("carol");
        link(bob, alice);
        link(carol, alice);

        alice.network.close();
        Link first = alice.events.next(Kind.DOWN).link();
        Link second = alice.events.next(Kind.DOWN).link();
        assertEquals(java.util.Set.of(bob.identity.peerId(), carol.identity.peerId()),
                java.util.Set.of(first.remotePeer(), second.remotePeer()));
        assertEquals(alice.identity.peerId(), bob.events.next(Kind.DOWN).link().remotePeer());
        assertEquals(alice.identity.peerId(), carol.events.next(Kind.DOWN).link().remotePeer());

        for (Node node : List.of(alice, bob, carol)) {
            node.events.assertQuietFor(300);
            node.events.assertClean();
        }
    }

    @Test
    void aDialExpectingAnotherPeerFailsAndTheNodeThatAnsweredSeesNoLink() throws Exception {
        Node alice = node("alice");
        Node bob = node("bob");
        Identity mallory = Identity.generate("mallory", RANDOM);

        bob.network.dial(DialTarget.peerAt(mallory.peerId(), alice.address()));
        bob.events.next(Kind.DIAL_FAILED);
        alice.events.assertQuietFor(500);

        bob.network.dial(DialTarget.peerAt(alice.identity.peerId(), alice.address()));
        assertEquals(alice.identity.peerId(), bob.events.next(Kind.UP).link().remotePeer());
        assertEquals(bob.identity.peerId(), alice.events.next(Kind.UP).link().remotePeer());
        alice.events.assertClean();
        bob.events.assertClean();
    }

    @Test
    void aDialWhereNobodyListensFails() throws Exception {
        Node bob = node("bob");
        HostPort nowhere = addressNobodyListensAt();
        bob.network.dial(DialTarget.anyPeerAt(nowhere));
        assertEquals(nowhere, bob.events.next(Kind.DIAL_FAILED).target().address());
        bob.events.assertClean();
    }

    @Test
    void aStalledReaderBackPressuresTheSenderAndEveryFrameTakenStillArrivesInOrder() throws Exception {
        Node alice = node("alice");
        Node bob = node("bob");
        Pair pair = link(bob, alice);

        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        alice.loop.execute(() -> {
            stalled.countDown();
            awaitQuietly(release);
        });
        assertTrue(stalled.await(WAIT_SECONDS, TimeUnit.SECONDS));

        String filler = "x".repeat(FRAME_LIMIT / 2);
        int taken = sendNumbered(bob, pair.dialerSide(), "bp-" + filler + "-", BACK_PRESSURE_CAP);
        release.countDown();

        assertTrue(taken < BACK_PRESSURE_CAP, "the sender was never told no: the queue is unbounded");
        assertTrue(taken >= QUEUE_FRAMES, "refused after only " + taken + " frames");
        assertEquals(numbers("bp-" + filler + "-", taken), alice.events.agents("bp-" + filler + "-", taken));
        assertTrue(eventually(bob, () -> pair.dialerSide().send(hello("after"))),
                "once the reader caught up the link takes frames again");
        assertEquals("after", alice.events.nextFrame(agent -> agent.equals("after")));
        alice.events.assertClean();
        bob.events.assertClean();
    }

    @Test
    void aFrameOverTheReceiversLimitIsNotDeliveredAndTakesTheLinkDownOnBothSides() throws Exception {
        Node alice = node("alice");
        Node bob = node("bob");
        Pair pair = link(bob, alice);

        assertTrue(bob.onLoop(() -> pair.dialerSide().send(hello("x".repeat(FRAME_LIMIT * 2)))));
        assertEquals(pair.answererSide(), alice.events.next(Kind.DOWN).link());
        assertEquals(pair.dialerSide(), bob.events.next(Kind.DOWN).link());
        alice.events.assertNoFrame(agent -> agent.startsWith("xxx"));
        alice.events.assertClean();
        bob.events.assertClean();
    }

    // ---------------------------------------------------------------------------------------------

    private record Pair(Link dialerSide, Link answererSide) {
    }

    /** Dials {@code answerer} from {@code dialer} and waits for both ends. */
    private Pair link(Node dialer, Node answerer) throws Exception {
        dialer.network.dial(DialTarget.peerAt(answerer.identity.peerId(), answerer.address()));
        Link dialerSide = dialer.events.next(Kind.UP).link();
        Link answererSide = answerer.events.next(Kind.UP, event -> event.link().remotePeer()
                .equals(dialer.identity.peerId())).link();
        return new Pair(dialerSide, answererSide);
    }

    /** Sends frames numbered from 0 on the sender's loop until one is refused or {@code max} went; how many were taken. */
    private static int sendNumbered(Node sender, Link link, String prefix, int max) throws Exception {
        return sender.onLoop(() -> {
            int taken = 0;
            while (taken < max && link.send(hello(prefix + taken))) {
                taken++;
            }
            return taken;
        });
    }

    private static boolean eventually(Node node, Callable<Boolean> onLoop) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            if (node.onLoop(onLoop)) {
                return true;
            }
            Thread.onSpinWait();
        }
        return false;
    }

    private static List<String> numbers(String prefix, int count) {
        List<String> expected = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            expected.add(prefix + i);
        }
        return expected;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String greeting(Node node) {
        return greeting(node.identity);
    }

    private static String greeting(Identity identity) {
        return "greeting-from-" + identity.name();
    }

    protected static Frame hello(String agent) {
        return Frame.newBuilder().setHello(Hello.newBuilder().setProtocolVersion(1).setAgent(agent)).build();
    }

    private Node node(String name) {
        return node(name, true);
    }

    /** @param greets whether the node sends a frame on each new link as soon as it is up */
    private Node node(String name, boolean greets) {
        Identity identity = Identity.generate(name, RANDOM);
        EventLoop loop = new EventLoop("contract-" + name);
        resources.add(loop);
        Recorder events = new Recorder(loop, greets ? hello(greeting(identity)) : null);
        Network network = newNetwork(identity, CONFIG, loop);
        resources.add(network);
        network.start(events);
        return new Node(identity, loop, network, events);
    }

    private record Node(Identity identity, EventLoop loop, Network network, Recorder events) {
        HostPort address() {
            return network.listenAddresses().get(0);
        }

        /** Runs on the node's loop, where every {@link Link} method must be called, and waits. */
        <T> T onLoop(Callable<T> task) throws Exception {
            CompletableFuture<T> result = new CompletableFuture<>();
            loop.execute(() -> {
                try {
                    result.complete(task.call());
                } catch (Exception | Error e) {
                    result.completeExceptionally(e);
                }
            });
            return result.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    private enum Kind { UP, FRAME, DOWN, DIAL_FAILED }

    private record Event(Kind kind, Link link, Frame frame, DialTarget target, String reason) {
        String agent() {
            return frame == null ? "" : frame.getHello().getAgent();
        }
    }

    /**
     * Records what a network reports and checks the listener's side of the contract as it goes:
     * every call on the node's loop; per link, up first, then frames, then one down.
     */
    private static final class Recorder implements LinkListener {
        private final EventLoop loop;
        private final Frame greeting;
        private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        private final List<Link> up = java.util.Collections.synchronizedList(new ArrayList<>());
        private final List<Link> down = java.util.Collections.synchronizedList(new ArrayList<>());
        /** The agent of every frame ever received, whether or not a test has looked at it yet. */
        private final List<String> received = java.util.Collections.synchronizedList(new ArrayList<>());
        private final List<String> broken = java.util.Collections.synchronizedList(new ArrayList<>());

        Recorder(EventLoop loop, Frame greeting) {
            this.loop = loop;
            this.greeting = greeting;
        }

        @Override
        public void linkUp(Link link) {
            onLoop("linkUp");
            if (up.contains(link)) {
                broken.add("linkUp twice for " + link);
            }
            up.add(link);
            events.add(new Event(Kind.UP, link, null, null, null));
            if (greeting != null && !link.send(greeting)) {
                broken.add("a new link refused its first frame: " + link);
            }
        }

        @Override
        public void frameReceived(Link link, Frame frame) {
            onLoop("frameReceived");
            if (!up.contains(link)) {
                broken.add("a frame on " + link + " before its linkUp");
            }
            if (down.contains(link)) {
                broken.add("a frame on " + link + " after its linkDown");
            }
            received.add(frame.getHello().getAgent());
            events.add(new Event(Kind.FRAME, link, frame, null, null));
        }

        @Override
        public void linkDown(Link link, String reason) {
            onLoop("linkDown");
            if (!up.contains(link)) {
                broken.add("linkDown for " + link + " that never came up");
            }
            if (down.contains(link)) {
                broken.add("a second linkDown for " + link + ": " + reason);
            }
            down.add(link);
            events.add(new Event(Kind.DOWN, link, null, null, reason));
        }

        @Override
        public void dialFailed(DialTarget target, String reason) {
            onLoop("dialFailed");
            events.add(new Event(Kind.DIAL_FAILED, null, null, target, reason));
        }

        private void onLoop(String call) {
            if (!loop.inLoop()) {
                broken.add(call + " on " + Thread.currentThread().getName() + ", not the node's loop");
            }
        }

        Event next(Kind kind) throws InterruptedException {
            return next(kind, event -> true);
        }

        /** The next event of {@code kind} that matches, skipping the rest; fails after a timeout. */
        Event next(Kind kind, Predicate<Event> matching) throws InterruptedException {
            StringBuilder skipped = new StringBuilder();
            while (true) {
                Event event = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
                assertNotNull(event, "no " + kind + " within " + WAIT_SECONDS + " s; skipped:" + skipped);
                if (event.kind() == kind && matching.test(event)) {
                    return event;
                }
                skipped.append(' ').append(event.kind()).append(event.reason() == null ? "" : "(" + event.reason() + ")");
            }
        }

        String nextFrame(Predicate<String> agent) throws InterruptedException {
            return next(Kind.FRAME, event -> agent.test(event.agent())).agent();
        }

        /** The agents of the next {@code count} frames whose agent starts with {@code prefix}. */
        List<String> agents(String prefix, int count) throws InterruptedException {
            List<String> agents = new ArrayList<>(count);
            while (agents.size() < count) {
                agents.add(nextFrame(agent -> agent.startsWith(prefix)));
            }
            return agents;
        }

        /** Nothing at all happens for {@code millis}: no late or repeated event. */
        void assertQuietFor(long millis) throws InterruptedException {
            Event event = events.poll(millis, TimeUnit.MILLISECONDS);
            assertEquals(null, event, "nothing more was expected");
        }

        void assertNoFrame(Predicate<String> agent) {
            synchronized (received) {
                assertFalse(received.stream().anyMatch(agent), "a frame that should not arrive was delivered");
            }
        }

        void assertClean() {
            assertEquals(List.of(), List.copyOf(broken), "the listener's contract was broken");
        }
    }
}
