package org.parley.link.tls;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.Direction;
import org.parley.link.HostPort;
import org.parley.link.LinkPath;
import org.parley.proto.wire.v1.Frame;
import org.parley.runtime.Scheduler;

/**
 * One dial: a channel and its link stream, until the link is up or the dial has failed. The
 * answering node speaks first (its link layer greets every new link), so the first inbound frame
 * is the moment the handshake is known to have proved the peer and the stream to be served: the
 * link is reported up then, just before that frame. No frame within the hello timeout fails the
 * dial.
 */
final class OutboundDial implements ClientResponseObserver<Frame, Frame> {
    private final DialTarget target;
    private final PeerTrustManager trust;
    private final ManagedChannel channel;
    private final TlsGrpcNetwork network;
    private final Scheduler loop;
    private ClientCallStreamObserver<Frame> requests;
    /** Set once, on the gRPC thread that delivers the first frame. */
    private volatile GrpcLink link;
    private volatile boolean failed;
    volatile Scheduler.Cancellable watchdog;
    private final LinkPath path;
    private final Supplier<Optional<HostPort>> observedThroughRelay;
    /** Told, besides the listener, when the dial fails. */
    private final Consumer<String> onFailure;

    OutboundDial(DialTarget target, PeerTrustManager trust, ManagedChannel channel, TlsGrpcNetwork network) {
        this(target, trust, channel, network, target.isRelayed() ? LinkPath.RELAYED : LinkPath.DIRECT,
                Optional::empty, reason -> { });
    }

    /**
     * A dial over a connection piped in through Netty's local transport: a relay's circuit (where
     * the relay said it sees the peer) or a punched connection.
     */
    OutboundDial(DialTarget target, PeerTrustManager trust, ManagedChannel channel, TlsGrpcNetwork network,
                 LinkPath path, Supplier<Optional<HostPort>> observedThroughRelay, Consumer<String> onFailure) {
        this.path = path;
        this.observedThroughRelay = observedThroughRelay;
        this.onFailure = onFailure;
        this.target = target;
        this.trust = trust;
        this.channel = channel;
        this.network = network;
        this.loop = network.loop();
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<Frame> requestStream) {
        this.requests = requestStream;
        requestStream.disableAutoRequestWithInitial(GrpcLink.INBOUND_WINDOW);
        // gRPC takes the handler only before the call starts, when the link does not exist yet.
        requestStream.setOnReadyHandler(() -> {
            GrpcLink current = link;
            if (current != null) {
                current.drain();
            }
        });
    }

    @Override
    public void onNext(Frame frame) {
        GrpcLink current = link;
        if (current == null) {
            current = establish();
            if (current == null) {
                return;
            }
        }
        current.received(frame);
    }

    private synchronized GrpcLink establish() {
        if (link != null || failed) {
            return link;
        }
        PeerId peer = trust.verifiedPeer();
        if (peer == null) {
            fail("handshake proved no identity");
            return null;
        }
        cancelWatchdog();
        // A circuit's far end is the relay: the link names it as the answering end's link does.
        String remote = path == LinkPath.RELAYED ? "via " + target.relay().orElseThrow() : target.address().toString();
        GrpcLink established = new GrpcLink(peer, Direction.OUTBOUND, remote,
                Optional.of(target), target.relay(), path, observedThroughRelay, loop, network.listener(),
                network.outboundQueueFrames(), network::finished);
        established.attach(requests, reason -> {
            try {
                requests.cancel(reason, null);
            } catch (RuntimeException alreadyClosed) {
                // Nothing left to cancel.
            }
            network.released(channel);
        });
        network.opened(established);
        link = established;
        loop.execute(() -> network.listener().linkUp(established));
        return established;
    }

    @Override
    public void onError(Throwable error) {
        GrpcLink current = link;
        if (current != null) {
            current.ended(Status.fromThrowable(error).toString());
        } else {
            fail(describe(error));
        }
    }

    @Override
    public void onCompleted() {
        GrpcLink current = link;
        if (current != null) {
            current.ended("peer closed the link");
        } else {
            fail("the peer ended the stream before greeting");
        }
    }

    /**
     * The circuit under a relayed dial ended. Before the link is up this fails the dial with the
     * relay's reason, which says more than the broken handshake that follows; after, the link's own
     * stream reports the loss.
     */
    void circuitEnded(String reason) {
        if (link == null) {
            fail(reason);
        }
    }

    void timedOut() {
        if (link == null) {
            fail("no greeting from " + target.address() + " in time");
        }
    }

    private synchronized void fail(String reason) {
        if (failed || link != null) {
            return;
        }
        failed = true;
        cancelWatchdog();
        if (requests != null) {
            try {
                requests.cancel(reason, null);
            } catch (RuntimeException alreadyClosed) {
                // The call is over already.
            }
        }
        network.released(channel);
        loop.execute(() -> network.listener().dialFailed(target, reason));
        onFailure.accept(reason);
    }

    private void cancelWatchdog() {
        Scheduler.Cancellable timer = watchdog;
        if (timer != null) {
            timer.cancel();
        }
    }

    /** The most specific message in the cause chain: a handshake failure says who answered. */
    private static String describe(Throwable error) {
        Status status = Status.fromThrowable(error);
        Throwable cause = error;
        String message = status.getDescription();
        while (cause != null) {
            if (cause.getMessage() != null) {
                message = cause.getMessage();
            }
            cause = cause.getCause();
        }
        return status.getCode() + (message == null ? "" : ": " + message);
    }
}
