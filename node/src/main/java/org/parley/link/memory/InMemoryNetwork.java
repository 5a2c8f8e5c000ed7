package org.parley.link.memory;

import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.Direction;
import org.parley.link.HolePuncher;
import org.parley.link.HostPort;
import org.parley.link.AbstractLink;
import org.parley.link.LinkConfig;
import org.parley.link.LinkListener;
import org.parley.link.LinkPath;
import org.parley.link.Network;
import org.parley.proto.wire.v1.Frame;
import org.parley.runtime.Scheduler;

/**
 * A {@link Network} whose links are in-process queues: one endpoint per node, all attached to a
 * shared {@link InMemoryFabric}. Frames are serialized and parsed on the way, and checked against
 * the receiver's frame size limit, so the code above sees what it would see over TLS. Every event
 * is delivered on the receiving node's scheduler.
 */
public final class InMemoryNetwork implements Network, HolePuncher {
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
    private volatile LinkListener listener;

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

    PeerId self() {
        return self;
    }

    HostPort address() {
        return address;
    }

    @Override
    public void dial(DialTarget target) {
        if (target.isRelayed()) {
            // Every in-memory node can dial every other; nothing here needs a circuit.
            scheduler.execute(() -> listener.dialFailed(target, "the in-memory network carries no circuits"));
            return;
        }
        Optional<InMemoryNetwork> remote = fabric.endpointAt(target.address());
        if (fabric.divided(address, target.address())) {
            scheduler.execute(() -> listener.dialFailed(target, "network unreachable"));
            return;
        }
        if (remote.isEmpty()) {
            scheduler.execute(() -> listener.dialFailed(target, "connection refused"));
            return;
        }
        if (fabric.refusesInbound(target.address())) {
            scheduler.execute(() -> listener.dialFailed(target, "no answer: behind a NAT"));
            return;
        }
        InMemoryNetwork answering = remote.get();
        if (target.expectedPeer().isPresent() && !target.expectedPeer().get().equals(answering.self)) {
            scheduler.execute(() -> listener.dialFailed(target, "expected " + target.expectedPeer().get()
                    + " but the node at " + target.address() + " is " + answering.self));
            return;
        }
        // The dialer's side of the pair gets an ephemeral port, as a real socket would.
        HostPort ephemeral = new HostPort(address.host(),
                FIRST_EPHEMERAL_PORT + Math.floorMod(nextPort.incrementAndGet(), EPHEMERAL_PORTS));
        connect(answering, target, ephemeral.toString(), LinkPath.DIRECT);
    }

    /**
     * {@inheritDoc} In memory, a punch meets the other side's punch when both aim at each other's
     * address within {@link #PUNCH_WINDOW}; the link's dialer is the peer with the smaller ID, as
     * over TLS. Either side's address refusing inbound dials does not stop a punch (that is what
     * punching is for); a cut does. A NAT model decides here whether the punch passes.
     */
    @Override
    public void punch(PeerId peer, HostPort target, Consumer<String> failed) {
        if (fabric.divided(address, target)) {
            scheduler.execute(() -> failed.accept("network unreachable"));
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
            connect(other, DialTarget.peerAt(peer, target), address.toString(), LinkPath.HOLE_PUNCHED);
        } else {
            other.scheduler.execute(() -> other.connect(this, DialTarget.peerAt(self, address), target.toString(),
                    LinkPath.HOLE_PUNCHED));
        }
    }

    /** Opens a link pair from this endpoint to {@code answering}; the answering side is up at once. */
    private void connect(InMemoryNetwork answering, DialTarget target, String seenFrom, LinkPath path) {
        MemoryLink outbound = new MemoryLink(this, answering.self, Direction.OUTBOUND,
                target.address().toString(), Optional.of(target), path);
        MemoryLink inbound = new MemoryLink(answering, self, Direction.INBOUND, seenFrom,
                Optional.empty(), path);
        outbound.other = inbound;
        inbound.other = outbound;
        links.add(outbound);
        answering.links.add(inbound);
        // As over TLS, the answering node speaks first: our side is up when its first frame comes
        // (just before that frame), and a dial it never greets fails after the hello timeout.
        outbound.greetingWatchdog = scheduler.schedule(config.helloTimeout(),
                () -> outbound.close("no greeting from " + target.address() + " in time"));
        inbound.up = true;
        answering.scheduler.execute(() -> answering.listener.linkUp(inbound));
    }

    @Override
    public void close() {
        fabric.detach(this);
        List<MemoryLink> open;
        synchronized (links) {
            open = new ArrayList<>(links);
        }
        open.forEach(link -> link.close("network closed"));
    }

    /** Breaks this endpoint's links to addresses on the other side of a cut. */
    void closeLinksAcross(java.util.function.BiPredicate<HostPort, HostPort> divided) {
        List<MemoryLink> open;
        synchronized (links) {
            open = new ArrayList<>(links);
        }
        for (MemoryLink link : open) {
            if (divided.test(address, link.other.owner.address)) {
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
        private final LinkPath path;

        MemoryLink(InMemoryNetwork owner, PeerId remotePeer, Direction direction, String remoteAddress,
                   Optional<DialTarget> dialTarget, LinkPath path) {
            super(remotePeer, direction, remoteAddress, dialTarget);
            this.owner = owner;
            this.path = path;
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
            owner.bytesSent.addAndGet(bytes.length);
            MemoryLink receiver = other;
            LinkConditions conditions = owner.fabric.conditions();
            Runnable delivery = () -> {
                inFlight.decrementAndGet();
                receiver.receive(bytes);
            };
            if (conditions.isPerfect()) {
                inFlight.incrementAndGet();
                receiver.owner.scheduler.execute(delivery);
                return true;
            }
            lastArrivalNanos = conditions.arrival(lastArrivalNanos);
            inFlight.incrementAndGet();
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
