package org.parley.link.memory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.Direction;
import org.parley.link.HolePuncher;
import org.parley.link.HostPort;
import org.parley.link.LinkConfig;
import org.parley.link.LinkListener;
import org.parley.link.LinkPath;
import org.parley.link.Neighbours;
import org.parley.link.relay.CircuitRelay;
import org.parley.link.relay.CircuitTransport;
import org.parley.link.relay.RelayLimits;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;

/**
 * A {@link org.parley.link.Network} whose links are in-process queues: one endpoint per node, all
 * attached to a shared {@link InMemoryFabric}. Each link end is a {@link MemoryLink}: frames are
 * serialized and parsed on the way, and checked against the receiver's frame size limit, so the
 * code above sees what it would see over TLS. Every event is delivered on the receiving node's
 * scheduler.
 *
 * <p>This class dials, punches and pairs link ends. Relayed links work as over TLS, through the
 * same {@link CircuitRelay} ({@link MemoryCircuits}): a dial through a relay asks the relay's
 * circuit relay to admit it, which offers the circuit to the reserved target over its link; the
 * target's relay client answers through {@link #answerCircuit}, and the two ends become one link
 * whose frames take two legs (dialler to relay, relay to target), are charged to the circuit's
 * budget and counted as bytes the relay carried. Nodes behind a NAT (see {@link NatType}) are
 * reached this way only, or through a punched hole.
 */
public final class InMemoryNetwork implements CircuitTransport, HolePuncher {
    /** How long a punch waits for the other side's punch to meet it. */
    static final Duration PUNCH_WINDOW = Duration.ofSeconds(5);

    private static final int FIRST_EPHEMERAL_PORT = 32_768;
    private static final int EPHEMERAL_PORTS = 28_000;

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
    private final MemoryCircuits circuits = new MemoryCircuits(this);
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

    LinkConfig config() {
        return config;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    LinkListener listener() {
        return listener;
    }

    InMemoryFabric fabric() {
        return fabric;
    }

    MemoryCircuits circuits() {
        return circuits;
    }

    boolean isClosed() {
        return closed;
    }

    void sent(int bytes) {
        bytesSent.addAndGet(bytes);
    }

    void relayed(int bytes) {
        bytesRelayed.addAndGet(bytes);
    }

    /** A link of this endpoint went down. */
    void forget(MemoryLink link) {
        links.remove(link);
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
            circuits.dialThroughRelay(target, remote.get());
            return;
        }
        // The dialer's side of the pair gets an ephemeral port, as a real socket would.
        pair(target, remote.get(), target.address().toString(), ephemeral().toString(), null, LinkPath.DIRECT,
                Optional.empty(), Optional.empty());
    }

    /** This node's address with the next ephemeral port: where others see a connection it opened come from. */
    private HostPort ephemeral() {
        return new HostPort(address.host(),
                FIRST_EPHEMERAL_PORT + Math.floorMod(nextPort.incrementAndGet(), EPHEMERAL_PORTS));
    }

    /**
     * {@inheritDoc} In memory, a punch meets the other side's punch when both aim at each other's
     * address within {@link #PUNCH_WINDOW}; the link's dialer is the peer with the smaller ID, as
     * over TLS. Either side's address refusing inbound dials does not stop a punch (that is what
     * punching is for); a cut does, and so do NAT types that a simultaneous open cannot pass
     * ({@link InMemoryFabric#simultaneousOpenSucceeds}): both sides then wait out the window.
     */
    @Override
    public void punch(PeerId peer, HostPort target, Consumer<String> failed) {
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
                    LinkPath.HOLE_PUNCHED, Optional.empty(), Optional.empty());
        } else {
            other.scheduler.execute(() -> other.pair(DialTarget.peerAt(self, address), this, address.toString(),
                    target.toString(), null, LinkPath.HOLE_PUNCHED, Optional.empty(), Optional.empty()));
        }
    }

    /**
     * The endpoint listening at {@code at} if a dial from here reaches it and it is {@code expected};
     * else empty, with the reason a real dial would fail for given to {@code failed}.
     */
    Optional<InMemoryNetwork> reach(HostPort at, Optional<PeerId> expected,
                                  Consumer<String> failed) {
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
     * a direct one, or one inside {@code circuit}, whose ends are told where the relay sees the
     * other end ({@code answeringSeenAt} for ours, {@code diallerSeenAt} for the answering one's).
     */
    private void pair(DialTarget target, InMemoryNetwork answering, String outboundRemote, String inboundRemote,
                      MemoryCircuit circuit, LinkPath path, Optional<HostPort> answeringSeenAt,
                      Optional<HostPort> diallerSeenAt) {
        MemoryLink outbound = new MemoryLink(this, answering.self, Direction.OUTBOUND, outboundRemote,
                Optional.of(target), circuit, path, answeringSeenAt);
        MemoryLink inbound = new MemoryLink(answering, self, Direction.INBOUND, inboundRemote, Optional.empty(),
                circuit, path, diallerSeenAt);
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
        return circuits.serve(neighbours, banned, clock, limits);
    }

    @Override
    public void answerCircuit(PeerId relayPeer, String relayAddress, long circuit, PeerId from) {
        circuits.answer(relayPeer, relayAddress, circuit);
    }

    /**
     * Makes the link from this node (dialling {@code target}) to {@code answering} inside
     * {@code circuit}. Both ends reached the relay by dialling out (a reservation's link is the
     * target's own dial), so the relay sees each at its IP and an ephemeral port, and says so.
     */
    void pairThrough(DialTarget target, InMemoryNetwork answering, MemoryCircuit circuit) {
        String via = "via " + circuit.relayPeer;
        pair(target, answering, via, via, circuit, LinkPath.RELAYED, Optional.of(answering.ephemeral()),
                Optional.of(ephemeral()));
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
        circuits.endAll();
    }

    /** Breaks this endpoint's links to addresses on the other side of a cut, and those whose relay is there. */
    void closeLinksAcross(BiPredicate<HostPort, HostPort> divided) {
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
}
