package org.parley.link.tls;

import io.grpc.stub.CallStreamObserver;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.Direction;
import org.parley.link.HostPort;
import org.parley.link.LinkPath;
import org.parley.link.AbstractLink;
import org.parley.link.LinkListener;
import org.parley.proto.wire.v1.Frame;
import org.parley.runtime.Scheduler;

/**
 * A {@link Link} on one gRPC bidirectional stream. Outbound frames wait in a bounded queue and go
 * out only while gRPC says the stream is ready, so a slow reader back-pressures us instead of
 * filling memory. Inbound, it asks gRPC for one frame at a time, and only after the node's loop
 * has taken the previous one, so a flooding peer is slowed by TCP rather than buffered. Every
 * event goes to the listener on the node's loop; {@code linkDown} exactly once.
 */
final class GrpcLink extends AbstractLink {
    private static final Logger LOG = Logger.getLogger(GrpcLink.class.getName());
    /** Frames requested ahead, so the loop is not idle while the next frame crosses the wire. */
    static final int INBOUND_WINDOW = 64;

    /** How the stream is torn down from our side; differs between the dialing and answering end. */
    interface Closer {
        void close(String reason);
    }

    private final Scheduler loop;
    private final LinkListener listener;
    private final int queueLimit;
    private final Consumer<GrpcLink> onFinished;
    private final Object streamLock = new Object();
    private final ArrayDeque<Frame> queue = new ArrayDeque<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private CallStreamObserver<Frame> stream;
    private Closer closer;
    private final Optional<PeerId> relay;
    private final LinkPath path;
    private final Supplier<Optional<HostPort>> observedThroughRelay;
    private boolean downReported;

    GrpcLink(PeerId remotePeer, Direction direction, String remoteAddress, Optional<DialTarget> dialTarget,
             Optional<PeerId> relay, Scheduler loop, LinkListener listener, int queueLimit,
             Consumer<GrpcLink> onFinished) {
        this(remotePeer, direction, remoteAddress, dialTarget, relay,
                relay.isPresent() ? LinkPath.RELAYED : LinkPath.DIRECT, Optional::empty, loop, listener, queueLimit,
                onFinished);
    }

    /**
     * @param path how the bytes travel (a relayed or punched connection is piped in through Netty's local transport)
     * @param observedThroughRelay where the relay said it sees the peer, for a relayed link
     */
    GrpcLink(PeerId remotePeer, Direction direction, String remoteAddress, Optional<DialTarget> dialTarget,
             Optional<PeerId> relay, LinkPath path, Supplier<Optional<HostPort>> observedThroughRelay, Scheduler loop,
             LinkListener listener, int queueLimit, Consumer<GrpcLink> onFinished) {
        super(remotePeer, direction, remoteAddress, dialTarget);
        this.relay = relay;
        this.path = path;
        this.observedThroughRelay = observedThroughRelay;
        this.loop = loop;
        this.listener = listener;
        this.queueLimit = queueLimit;
        this.onFinished = onFinished;
    }

    @Override
    public Optional<PeerId> relay() {
        return relay;
    }

    @Override
    public LinkPath path() {
        return path;
    }

    @Override
    public Optional<HostPort> observedThroughRelay() {
        return observedThroughRelay.get();
    }

    /** Attaches the outbound half of the stream; called once, before any frame is sent. */
    void attach(CallStreamObserver<Frame> outbound, Closer streamCloser) {
        synchronized (streamLock) {
            this.stream = outbound;
            this.closer = streamCloser;
        }
    }

    @Override
    public boolean send(Frame frame) {
        synchronized (streamLock) {
            if (closed.get() || queue.size() >= queueLimit) {
                return false;
            }
            queue.add(frame);
        }
        drain();
        return true;
    }

    /** Writes queued frames while the transport can take them; also gRPC's on-ready handler. */
    void drain() {
        synchronized (streamLock) {
            try {
                while (!closed.get() && stream != null && stream.isReady() && !queue.isEmpty()) {
                    stream.onNext(queue.poll());
                }
            } catch (RuntimeException e) {
                // The call ended under us; its own callback reports the link down.
                LOG.fine(() -> "write on a finished stream to " + remotePeer().shortForm() + ": " + e);
            }
        }
    }

    /** An inbound frame from a gRPC thread: handed to the loop, then the next one requested. */
    void received(Frame frame) {
        loop.execute(() -> {
            if (!downReported) {
                listener.frameReceived(this, frame);
            }
            requestOne();
        });
    }

    private void requestOne() {
        synchronized (streamLock) {
            if (!closed.get() && stream != null) {
                try {
                    stream.request(1);
                } catch (RuntimeException e) {
                    LOG.fine(() -> "request on a finished stream: " + e);
                }
            }
        }
    }

    /** The remote end or the transport ended the stream (from a gRPC thread). */
    void ended(String reason) {
        closed.set(true);
        Closer current;
        synchronized (streamLock) {
            queue.clear();
            current = closer;
        }
        if (current != null) {
            current.close(reason); // finishes our half, and releases a dialed link's channel
        }
        loop.execute(() -> reportDown(reason));
    }

    @Override
    public void close(String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Closer current;
        synchronized (streamLock) {
            queue.clear();
            current = closer;
        }
        if (current != null) {
            current.close(reason);
        }
        loop.execute(() -> reportDown(reason));
    }

    private void reportDown(String reason) {
        if (downReported) {
            return;
        }
        downReported = true;
        onFinished.accept(this);
        listener.linkDown(this, reason);
    }

}
