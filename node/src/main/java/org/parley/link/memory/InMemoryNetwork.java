package org.parley.link.memory;

import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.Direction;
import org.parley.link.HostPort;
import org.parley.link.AbstractLink;
import org.parley.link.LinkConfig;
import org.parley.link.HolePuncher;
import org.parley.link.LinkListener;
import org.parley.link.LinkPath;
import org.parley.link.Neighbours;
import org.parley.link.relay.CircuitBudget;
import org.parley.link.relay.CircuitRelay;
import org.parley.link.relay.CircuitTransport;
import org.parley.link.relay.RelayLimits;
import org.parley.proto.wire.v1.Frame;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;

/**
 * A {@link Network} whose links are in-process queues: one endpoint per node, all attached to a
 * shared {@link InMemoryFabric}. Frames are serialized and parsed on the way, and checked against
 * the receiver's frame size limit, so the code above sees what it would see over TLS. Every event
 * is delivered on the receiving node's scheduler.
 *
 * <p>Relayed links work as over TLS, through the same {@link CircuitRelay}: a dial through a relay
 * asks the relay's circuit relay to admit it, which offers the circuit to the reserved target over
 * its link; the target's relay client answers through {@link #answerCircuit}, and the two ends
 * become one link whose frames take two legs (dialler to relay, relay to target), are charged to
 * the circuit's budget and counted as bytes the relay carried. Nodes behind a NAT (see
 * {@link NatType}) are reached this way only.
 */
public final class InMemoryNetwork implements CircuitTransport, HolePuncher {
    /** How long a punch waits for the other side's punch to meet it. */
    static final Duration PUNCH_WINDOW = Duration.ofSeconds(5);

    private static final int FIRST_EPHEMERAL_PORT = 32_768;
    private static final int EPHEMERAL_PORTS = 28_000;
    /**
     * Frames the receiving end takes in ahead of its loop, as the TLS link asks gRPC for 64 frames
     * ahead: they have left the sender's queue, so they do not count against its bound. (Over TLS the
     * transport's byte buffers take more still; that is not modelled.) Without this, a frame sent
     * and not yet read filled the sender's queue, and a burst the real link takes whole was cut short.
     */
    private static final int FRAMES_IN_TRANSIT = 64;

    private final InMemoryFabric fabric;
    private final PeerId self;
    private final HostPort address;
    private final LinkConfig config;
    private final Scheduler scheduler;
    /** In the order links came up, so that closing them replays the same way in the simulator. */
    private final Set<MemoryLink> links = Collections.synchronizedSet(new LinkedHashSet<>());
    private final AtomicInteger nextPort;
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong bytesRelayed = new AtomicLong();
    /** Circuits this node relays now, spliced: they end when it closes. */
    private final Set<MemoryCircuit> circuits = Collections.synchronizedSet(new LinkedHashSet<>());
    private volatile CircuitRelay<PendingCircuit> relay;
    private volatile LinkListener listener;
    private volatile boolean closed;

    InMemoryNetwork(InMemoryFabric fabric, PeerId self, HostPort address, LinkConfig config, Scheduler scheduler,
                    AtomicInteger nextPort) {
        this.fabric = fabric;
        this.self = self;
        this.address = address;
        this.config = config;
        this.scheduler = scheduler;
        this.nextPort = nextPort;
    }

    @Override
    public void start(LinkListener linkListener) {
        this.listener = linkListener;
        fabric.attach(this);
    }

    @Override
    public List<HostPort> listenAddresses() {
        return List.of(address);
    }

    /** Dials back from this endpoint's address (see {@link InMemoryAddressProbe}). */
    public InMemoryAddressProbe addressProbe() {
        return new InMemoryAddressProbe(fabric, address, scheduler);
    }

    /** Bytes of every frame this endpoint has sent. */
    public long bytesSent() {
        return bytesSent.get();
    }

    /** Bytes of every frame this endpoint carried for others, as their relay. */
    public long bytesRelayed() {
        return bytesRelayed.get();
    }

    PeerId self() {
        return self;
    }

    HostPort address() {
        return address;
    }

    @Override
    public void dial(DialTarget target) {
        Optional<InMemoryNetwork> remote = reach(target.address(),
                target.isRelayed() ? target.relay() : target.expectedPeer(),
                reason -> scheduler.execute(() -> listener.dialFailed(target, reason)));
        if (remote.isEmpty()) {
            return;
        }
        if (target.isRelayed()) {
            dialThroughRelay(target, remote.get());
            return;
        }
        InMemoryNetwork answering = remote.get();
        // The dialer's side of the pair gets an ephemeral port, as a real socket would.
        HostPort ephemeral = new HostPort(address.host(),
                FIRST_EPHEMERAL_PORT + Math.floorMod(nextPort.incrementAndGet(), EPHEMERAL_PORTS));
        pair(target, answering, target.address().toString(), ephemeral.toString(), null, LinkPath.DIRECT);
    }

    /**
     * {@inheritDoc} In memory, a punch meets the other side's punch when both aim at each other's
     * address within {@link #PUNCH_WINDOW}; the link's dialer is the peer with the smaller ID, as
     * over TLS. Either side's address refusing inbound dials does not stop a punch (that is what
     * punching is for); a cut does, and so do NAT types that a simultaneous open cannot pass
     * ({@link InMemoryFabric#simultaneousOpenSucceeds}): both sides then wait out the window.
     */
    @Override
    public void punch(PeerId peer, HostPort target, java.util.function.Consumer<String> failed) {
        if (fabric.divided(address, target)) {
            scheduler.execute(() -> failed.accept("network unreachable"));
            return;
        }
        if (!fabric.simultaneousOpenSucceeds(address, target)) {
            scheduler.schedule(PUNCH_WINDOW, () -> failed.accept("no punch from " + target + " met ours in time"));
            return;
        }
        Optional<InMemoryNetwork> met = fabric.meetPunch(this, target, peer);
        if (met.isEmpty()) {
            scheduler.schedule(PUNCH_WINDOW, () -> {
                if (fabric.withdrawPunch(this, target)) {
                    failed.accept("no punch from " + target + " met ours in time");
                }
            });
            return;
        }
        InMemoryNetwork other = met.get();
        if (self.compareTo(peer) < 0) {
            pair(DialTarget.peerAt(peer, target), other, target.toString(), address.toString(), null,
                    LinkPath.HOLE_PUNCHED);
        } else {
            other.scheduler.execute(() -> other.pair(DialTarget.peerAt(self, address), this, address.toString(),
                    target.toString(), null, LinkPath.HOLE_PUNCHED));
        }
    }

    /**
     * The endpoint listening at {@code at} if a dial from here reaches it and it is {@code expected};
     * else empty, with the reason a real dial would fail for given to {@code failed}.
     */
    private Optional<InMemoryNetwork> reach(HostPort at, Optional<PeerId> expected,
                                            java.util.function.Consumer<String> failed) {
        Optional<InMemoryNetwork> remote = fabric.endpointAt(at);
        if (fabric.divided(address, at)) {
            failed.accept("network unreachable");
            return Optional.empty();
        }
        if (remote.isEmpty()) {
            unanswered(failed, "connection refused", "no answer from " + at + " in time");
            return Optional.empty();
        }
        if (fabric.refusesInbound(at)) {
            unanswered(failed, "no answer: behind a NAT", "no answer in time: behind a NAT");
            return Optional.empty();
        }
        if (expected.isPresent() && !expected.get().equals(remote.get().self)) {
            failed.accept("expected " + expected.get() + " but the node at " + at + " is " + remote.get().self);
            return Optional.empty();
        }
        return remote;
    }

    /**
     * Fails a dial nobody answers: at once ({@code refused}), or, when the fabric says so, after
     * the hello timeout ({@code silent}), the time a real dial's watchdog waits.
     */
    private void unanswered(java.util.function.Consumer<String> failed, String refused, String silent) {
        if (fabric.unansweredDialsTimeOutNow()) {
            scheduler.schedule(config.helloTimeout(), () -> failed.accept(silent));
        } else {
            failed.accept(refused);
        }
    }

    /**
     * Makes the two ends of a link from this node (dialling {@code target}) to {@code answering}:
     * a direct one, or one inside {@code circuit}.
     */
    private void pair(DialTarget target, InMemoryNetwork answering, String outboundRemote, String inboundRemote,
                      MemoryCircuit circuit, LinkPath path) {
        MemoryLink outbound = new MemoryLink(this, answering.self, Direction.OUTBOUND, outboundRemote,
                Optional.of(target), circuit, path);
        MemoryLink inbound = new MemoryLink(answering, self, Direction.INBOUND, inboundRemote, Optional.empty(),
                circuit, path);
        outbound.other = inbound;
        inbound.other = outbound;
        links.add(outbound);
        answering.links.add(inbound);
        // As over TLS, the answering node speaks first: our side is up when its first frame comes
        // (just before that frame), and a dial it never greets fails after the hello timeout.
        outbound.greetingWatchdog = scheduler.schedule(config.helloTimeout(),
                () -> outbound.close("no greeting from " + target + " in time"));
        inbound.up = true;
        answering.scheduler.execute(() -> answering.listener.linkUp(inbound));
    }

    // ---------------------------------------------------------------- circuits

    @Override
    public CircuitRelay<?> serveRelay(Neighbours neighbours, Predicate<PeerId> banned, Clock clock,
                                      RelayLimits limits) {
        CircuitRelay<PendingCircuit> serving = new CircuitRelay<>(neighbours, banned, scheduler, clock, limits);
        relay = serving;
        return serving;
    }

    /** Asks the relay at {@code relayNode} to admit a circuit to the target's peer; its answer comes later. */
    private void dialThroughRelay(DialTarget target, InMemoryNetwork relayNode) {
        PendingCircuit pending = new PendingCircuit(target);
        pending.watchdog = scheduler.schedule(config.helloTimeout(),
                () -> pending.refuse("no answer through " + target.relay().orElseThrow().shortForm() + " in time"));
        relayNode.scheduler.execute(() -> {
            CircuitRelay<PendingCircuit> serving = relayNode.relay;
            if (serving == null) {
                pending.refuse("this node does not relay");
                return;
            }
            CircuitRelay.Admission admission = serving.connect(self, target.expectedPeer().orElseThrow(), pending);
            admission.refusal().ifPresent(pending::refuse);
            admission.circuit().ifPresent(id -> {
                pending.circuit = id;
                if (pending.ended.get()) {
                    serving.closed(id);
                }
            });
        });
    }

    @Override
    public void answerCircuit(PeerId relayPeer, String relayAddress, long circuit, PeerId from) {
        HostPort at;
        try {
            at = HostPort.parse(relayAddress);
        } catch (IllegalArgumentException unparseable) {
            return;
        }
        Optional<InMemoryNetwork> remote = reach(at, Optional.of(relayPeer), reason -> { });
        if (remote.isEmpty()) {
            return;
        }
        InMemoryNetwork relayNode = remote.get();
        relayNode.scheduler.execute(() -> {
            CircuitRelay<PendingCircuit> serving = relayNode.relay;
            if (serving == null) {
                return;
            }
            serving.accept(self, circuit).ifPresent(splice -> splice.diallerEnd()
                    .spliced(relayNode, relayPeer, splice.circuit(), splice.budget(), this));
        });
    }

    /** A spliced circuit ended: its place at the relay is free again. */
    void circuitEnded(MemoryCircuit circuit) {
        circuits.remove(circuit);
        scheduler.execute(() -> {
            CircuitRelay<PendingCircuit> serving = relay;
            if (serving != null) {
                serving.closed(circuit.id);
            }
        });
    }

    /** A dialling node's circuit while the relay decides and the target answers. */
    private final class PendingCircuit implements CircuitRelay.Dialler {
        private final DialTarget target;
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile long circuit;
        private volatile Scheduler.Cancellable watchdog;

        PendingCircuit(DialTarget target) {
            this.target = target;
        }

        @Override
        public void refuse(String reason) {
            if (ended.compareAndSet(false, true)) {
                watchdog.cancel();
                scheduler.execute(() -> listener.dialFailed(target, "relay: " + reason));
            }
        }

        /** Both ends are at the relay: the link comes up, inside the circuit. */
        void spliced(InMemoryNetwork relayNode, PeerId relayPeer, long id, CircuitBudget budget,
                     InMemoryNetwork answering) {
            MemoryCircuit spliced = new MemoryCircuit(relayNode, relayPeer, id, budget);
            if (!ended.compareAndSet(false, true) || closed) {
                spliced.release();
                return;
            }
            watchdog.cancel();
            relayNode.circuits.add(spliced);
            relayNode.scheduler.schedule(budget.remaining(),
                    () -> spliced.end("circuit reached its " + budget.remaining().toSeconds() + " s limit"));
            String via = "via " + relayPeer;
            pair(target, answering, via, via, spliced, LinkPath.RELAYED);
        }
    }

    @Override
    public void close() {
        closed = true;
        fabric.detach(this);
        List<MemoryLink> open;
        synchronized (links) {
            open = new ArrayList<>(links);
        }
        open.forEach(link -> link.close("network closed"));
        List<MemoryCircuit> relayed;
        synchronized (circuits) {
            relayed = new ArrayList<>(circuits);
        }
        relayed.forEach(circuit -> circuit.end("the relay went away"));
    }

    /** Breaks this endpoint's links to addresses on the other side of a cut, and those whose relay is there. */
    void closeLinksAcross(java.util.function.BiPredicate<HostPort, HostPort> divided) {
        List<MemoryLink> open;
        synchronized (links) {
            open = new ArrayList<>(links);
        }
        for (MemoryLink link : open) {
            if (divided.test(address, link.other.owner.address)
                    || link.circuit != null && divided.test(address, link.circuit.relay.address)) {
                link.close("network unreachable");
            }
        }
    }

    /** One side of an in-memory link. */
    private static final class MemoryLink extends AbstractLink {
        private final InMemoryNetwork owner;
        private final AtomicInteger inFlight = new AtomicInteger();
        /** When the last frame sent on this link arrives: later frames never overtake it. */
        private long lastArrivalNanos;
        private volatile MemoryLink other;
        private volatile boolean closed;
        /** Reported up to the listener: an answering side at once, a dialing side at its first frame. */
        private volatile boolean up;
        private volatile Scheduler.Cancellable greetingWatchdog;
        private boolean downReported;
        /** The circuit carrying this link; null for a direct one. */
        private final MemoryCircuit circuit;
        private final LinkPath path;

        MemoryLink(InMemoryNetwork owner, PeerId remotePeer, Direction direction, String remoteAddress,
                   Optional<DialTarget> dialTarget, MemoryCircuit circuit, LinkPath path) {
            super(remotePeer, direction, remoteAddress, dialTarget);
            this.owner = owner;
            this.circuit = circuit;
            this.path = path;
            if (circuit != null && direction == Direction.OUTBOUND) {
                circuit.closesWith(this::close);
            }
        }

        @Override
        public Optional<PeerId> relay() {
            return circuit == null ? Optional.empty() : Optional.of(circuit.relayPeer);
        }

        @Override
        public LinkPath path() {
            return path;
        }

        @Override
        public boolean send(Frame frame) {
            if (closed || inFlight.get() >= owner.config.outboundQueueFrames() + FRAMES_IN_TRANSIT) {
                return false;
            }
            byte[] bytes = frame.toByteArray();
            long heldNanos = 0;
            if (circuit != null) {
                CircuitBudget.Charge charge = circuit.budget.charge(bytes.length);
                if (charge.spent().isPresent()) {
                    close(charge.spent().get());
                    return false;
                }
                heldNanos = charge.delay().toNanos();
                circuit.relay.bytesRelayed.addAndGet(bytes.length);
                owner.fabric.relayedAt(circuit.relay.address, bytes.length);
            }
            owner.bytesSent.addAndGet(bytes.length);
            MemoryLink receiver = other;
            LinkConditions conditions = owner.fabric.conditions();
            Runnable delivery = () -> {
                inFlight.decrementAndGet();
                receiver.receive(bytes);
            };
            inFlight.incrementAndGet();
            if (conditions.isPerfect()) {
                if (heldNanos == 0) {
                    receiver.owner.scheduler.execute(delivery);
                } else {
                    receiver.owner.scheduler.schedule(Duration.ofNanos(heldNanos), delivery);
                }
                return true;
            }
            lastArrivalNanos = conditions.arrival(lastArrivalNanos, circuit == null ? 1 : 2, heldNanos);
            receiver.owner.scheduler.schedule(Duration.ofNanos(lastArrivalNanos - conditions.nowNanos()), delivery);
            return true;
        }

        private void receive(byte[] bytes) {
            if (closed) {
                return;
            }
            if (bytes.length > owner.config.maxFrameBytes()) {
                close("frame of " + bytes.length + " bytes exceeds the limit");
                return;
            }
            Frame frame;
            try {
                frame = Frame.parseFrom(bytes);
            } catch (InvalidProtocolBufferException e) {
                close("malformed frame");
                return;
            }
            if (!up) {
                up = true;
                greetingWatchdog.cancel();
                owner.listener.linkUp(this);
            }
            owner.listener.frameReceived(this, frame);
        }

        @Override
        public void close(String reason) {
            if (closed) {
                return;
            }
            closed = true;
            owner.scheduler.execute(() -> reportDown(reason));
            MemoryLink peerSide = other;
            peerSide.owner.scheduler.execute(() -> peerSide.remoteClosed(reason));
            if (circuit != null) {
                circuit.release();
            }
        }

        private void remoteClosed(String reason) {
            closed = true;
            reportDown(up ? "closed by peer: " + reason : "the peer ended the stream before greeting");
        }

        /** A link never reported up ends as a failed dial, as over TLS. */
        private void reportDown(String reason) {
            if (downReported) {
                return;
            }
            downReported = true;
            owner.links.remove(this);
            if (up) {
                owner.listener.linkDown(this, reason);
            } else {
                greetingWatchdog.cancel();
                owner.listener.dialFailed(dialTarget().orElseThrow(), reason);
            }
        }
    }
}
