package org.parley.link.memory;

import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.parley.identity.PeerId;
import org.parley.link.AbstractLink;
import org.parley.link.DialTarget;
import org.parley.link.Direction;
import org.parley.link.HostPort;
import org.parley.link.LinkPath;
import org.parley.link.relay.CircuitBudget;
import org.parley.proto.wire.v1.Frame;
import org.parley.runtime.Scheduler;

/**
 * One side of an in-memory link: frames are serialized on sending and parsed on arrival (and
 * checked against the receiver's frame size limit), delayed and reordered as the fabric's
 * {@link LinkConditions} say, and, inside a circuit, charged to its budget and counted as bytes
 * its relay carried. Events reach the owner's listener on the owner's scheduler.
 */
final class MemoryLink extends AbstractLink {
    /**
     * Frames the receiving end takes in ahead of its loop, as the TLS link asks gRPC for 64 frames
     * ahead: they have left the sender's queue, so they do not count against its bound. (Over TLS the
     * transport's byte buffers take more still; that is not modelled.) Without this, a frame sent
     * and not yet read filled the sender's queue, and a burst the real link takes whole was cut short.
     */
    private static final int FRAMES_IN_TRANSIT = 64;

    final InMemoryNetwork owner;
    /** The circuit carrying this link; null for a direct one. */
    final MemoryCircuit circuit;
    private final LinkPath path;
    /** For a relayed link, where the relay sees the other end, as it tells each end over TLS. */
    private final Optional<HostPort> observedThroughRelay;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** When the last frame sent on this link arrives: later frames never overtake it. */
    private long lastArrivalNanos;
    volatile MemoryLink other;
    private volatile boolean closed;
    /** Reported up to the listener: an answering side at once, a dialing side at its first frame. */
    volatile boolean up;
    volatile Scheduler.Cancellable greetingWatchdog;
    private boolean downReported;

    MemoryLink(InMemoryNetwork owner, PeerId remotePeer, Direction direction, String remoteAddress,
               Optional<DialTarget> dialTarget, MemoryCircuit circuit, LinkPath path,
               Optional<HostPort> observedThroughRelay) {
        super(remotePeer, direction, remoteAddress, dialTarget);
        this.owner = owner;
        this.circuit = circuit;
        this.path = path;
        this.observedThroughRelay = observedThroughRelay;
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
    public Optional<HostPort> observedThroughRelay() {
        return observedThroughRelay;
    }

    @Override
    public boolean send(Frame frame) {
        if (closed || inFlight.get() >= owner.config().outboundQueueFrames() + FRAMES_IN_TRANSIT) {
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
            circuit.carried(bytes.length);
        }
        owner.sent(bytes.length);
        MemoryLink receiver = other;
        LinkConditions conditions = owner.fabric().conditions();
        Runnable delivery = () -> {
            inFlight.decrementAndGet();
            receiver.receive(bytes);
        };
        inFlight.incrementAndGet();
        if (conditions.isPerfect()) {
            if (heldNanos == 0) {
                receiver.owner.scheduler().execute(delivery);
            } else {
                receiver.owner.scheduler().schedule(Duration.ofNanos(heldNanos), delivery);
            }
            return true;
        }
        lastArrivalNanos = conditions.arrival(lastArrivalNanos, circuit == null ? 1 : 2, heldNanos);
        receiver.owner.scheduler().schedule(Duration.ofNanos(lastArrivalNanos - conditions.nowNanos()), delivery);
        return true;
    }

    private void receive(byte[] bytes) {
        if (closed) {
            return;
        }
        if (bytes.length > owner.config().maxFrameBytes()) {
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
            owner.listener().linkUp(this);
        }
        owner.listener().frameReceived(this, frame);
    }

    @Override
    public void close(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        owner.scheduler().execute(() -> reportDown(reason));
        MemoryLink peerSide = other;
        peerSide.owner.scheduler().execute(() -> peerSide.remoteClosed(reason));
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
        owner.forget(this);
        if (up) {
            owner.listener().linkDown(this, reason);
        } else {
            greetingWatchdog.cancel();
            owner.listener().dialFailed(dialTarget().orElseThrow(), reason);
        }
    }
}
