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
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.Direction;
import org.parley.link.HostPort;
import org.parley.link.AbstractLink;
import org.parley.link.LinkConfig;
import org.parley.link.LinkListener;
import org.parley.link.Network;
import org.parley.proto.wire.v1.Frame;
import org.parley.runtime.Scheduler;

/**
 * A {@link Network} whose links are in-process queues: one endpoint per node, all attached to a
 * shared {@link InMemoryFabric}. Frames are serialized and parsed on the way, and checked against
 * the receiver's frame size limit, so the code above sees what it would see over TLS. Every event
 * is delivered on the receiving node's scheduler.
 */
public final class InMemoryNetwork implements Network {
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
        InMemoryNetwork answering = remote.get();
        if (target.expectedPeer().isPresent() && !target.expectedPeer().get().equals(answering.self)) {
            scheduler.execute(() -> listener.dialFailed(target, "expected " + target.expectedPeer().get()
                    + " but the node at " + target.address() + " is " + answering.self));
            return;
        }
        // The dialer's side of the pair gets an ephemeral port, as a real socket would.
        HostPort ephemeral = new HostPort(address.host(),
                FIRST_EPHEMERAL_PORT + Math.floorMod(nextPort.incrementAndGet(), EPHEMERAL_PORTS));
        MemoryLink outbound = new MemoryLink(this, answering.self, Direction.OUTBOUND,
                target.address().toString(), Optional.of(target));
        MemoryLink inbound = new MemoryLink(answering, self, Direction.INBOUND, ephemeral.toString(),
                Optional.empty());
        outbound.other = inbound;
        inbound.other = outbound;
        links.add(outbound);
        answering.links.add(inbound);
        // Our side first: dial runs on our loop, so our linkUp is queued before the answering node
        // (on its own thread) can send its Hello, which must not reach a link we do not know yet.
        scheduler.execute(() -> listener.linkUp(outbound));
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
        private boolean downReported;

        MemoryLink(InMemoryNetwork owner, PeerId remotePeer, Direction direction, String remoteAddress,
                   Optional<DialTarget> dialTarget) {
            super(remotePeer, direction, remoteAddress, dialTarget);
            this.owner = owner;
        }

        @Override
        public boolean send(Frame frame) {
            if (closed || inFlight.get() >= owner.config.outboundQueueFrames()) {
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
            reportDown("closed by peer: " + reason);
        }

        private void reportDown(String reason) {
            if (downReported) {
                return;
            }
            downReported = true;
            owner.links.remove(this);
            owner.listener.linkDown(this, reason);
        }
    }
}
