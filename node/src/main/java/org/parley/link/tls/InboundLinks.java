package org.parley.link.tls;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.logging.Logger;
import org.parley.link.Direction;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.LinkServiceGrpc;

/**
 * Serves the link stream of each peer that dials this node (over TCP, inside a circuit, or on a
 * punched connection where this node plays the server):
 * makes it a {@link GrpcLink} for the peer {@link VerifiedPeer} proved, reports it to the node's
 * loop and feeds it the peer's frames. Runs on gRPC's threads; the link hands everything to the loop.
 */
final class InboundLinks extends LinkServiceGrpc.LinkServiceImplBase {
    private static final Logger LOG = Logger.getLogger(InboundLinks.class.getName());

    private final TlsGrpcNetwork network;

    InboundLinks(TlsGrpcNetwork network) {
        this.network = network;
    }

    @Override
    public StreamObserver<Frame> link(StreamObserver<Frame> responses) {
        ServerCallStreamObserver<Frame> outbound = (ServerCallStreamObserver<Frame>) responses;
        outbound.disableAutoRequest();
        LocalOrigin origin = VerifiedPeer.REMOTE_ORIGIN.get();
        GrpcLink link = origin == null
                ? new GrpcLink(VerifiedPeer.REMOTE_PEER.get(), Direction.INBOUND, VerifiedPeer.REMOTE_ADDRESS.get(),
                        Optional.empty(), Optional.empty(), network.loop(), network.listener(),
                        network.outboundQueueFrames(), network::finished)
                : new GrpcLink(VerifiedPeer.REMOTE_PEER.get(), Direction.INBOUND, VerifiedPeer.REMOTE_ADDRESS.get(),
                        Optional.empty(), origin.relay(), origin.path(), origin.observedThroughRelay(), network.loop(),
                        network.listener(), network.outboundQueueFrames(), network::finished);
        link.attach(outbound, reason -> {
            try {
                outbound.onError(Status.UNAVAILABLE.withDescription(reason).asRuntimeException());
            } catch (RuntimeException alreadyClosed) {
                LOG.fine(() -> "closing a finished inbound stream: " + alreadyClosed);
            }
        });
        outbound.setOnReadyHandler(link::drain);
        outbound.setOnCancelHandler(() -> link.ended("peer went away"));
        network.opened(link);
        if (network.isClosed()) {
            link.close("network closed");
        } else {
            network.loop().execute(() -> network.listener().linkUp(link));
            outbound.request(GrpcLink.INBOUND_WINDOW);
        }
        return new StreamObserver<>() {
            @Override
            public void onNext(Frame frame) {
                link.received(frame);
            }

            @Override
            public void onError(Throwable error) {
                link.ended(Status.fromThrowable(error).toString());
            }

            @Override
            public void onCompleted() {
                link.ended("peer closed the link");
            }
        };
    }
}
