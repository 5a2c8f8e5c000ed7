package org.parley.control;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.parley.api.ApiException;
import org.parley.api.IdentityView;
import org.parley.api.ParleyApi;
import org.parley.api.PeerView;
import org.parley.proto.control.v1.ControlGrpc;
import org.parley.proto.control.v1.GetIdentityRequest;
import org.parley.proto.control.v1.IdentityInfo;
import org.parley.proto.control.v1.ListPeersRequest;
import org.parley.store.ProfileHome;

/** A {@link ParleyApi} backed by the running daemon of a home, over its control API. */
public final class ControlClient implements ParleyApi, AutoCloseable {
    private static final long CALL_TIMEOUT_SECONDS = 15;

    private final ProfileHome home;
    private final ManagedChannel channel;
    private final ControlGrpc.ControlBlockingStub stub;

    private ControlClient(ProfileHome home, ManagedChannel channel, ControlGrpc.ControlBlockingStub stub) {
        this.home = home;
        this.channel = channel;
        this.stub = stub;
    }

    /**
     * Connects to the daemon of {@code home}; empty when none has published its endpoint there.
     *
     * @throws ApiException when the published files are unreadable or malformed
     */
    public static Optional<ControlClient> connect(ProfileHome home) throws ApiException {
        Optional<ControlEndpoint> endpoint;
        ControlToken token;
        try {
            endpoint = ControlEndpoint.read(home);
            if (endpoint.isEmpty()) {
                return Optional.empty();
            }
            token = ControlToken.read(home);
        } catch (IOException e) {
            throw new ApiException(e.getMessage(), e);
        }
        ManagedChannel channel = NettyChannelBuilder
                .forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), endpoint.get().port()))
                .usePlaintext()
                .build();
        Metadata headers = new Metadata();
        headers.put(ControlToken.HEADER, token.value());
        ControlGrpc.ControlBlockingStub stub = ControlGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        return Optional.of(new ControlClient(home, channel, stub));
    }

    /** Connects, or fails with the message a user needs when no daemon runs for the home. */
    public static ControlClient connectOrExplain(ProfileHome home) throws ApiException {
        return connect(home).orElseThrow(() -> notRunning(home));
    }

    @Override
    public IdentityView identity() throws ApiException {
        try {
            IdentityInfo info = stub().getIdentity(GetIdentityRequest.getDefaultInstance());
            return new IdentityView(info.getPeerId(), info.getName(), info.getFingerprint(),
                    info.getListenAddressesList());
        } catch (StatusRuntimeException e) {
            throw explain(e);
        }
    }

    @Override
    public List<PeerView> peers() throws ApiException {
        try {
            return stub().listPeers(ListPeersRequest.getDefaultInstance()).getPeersList().stream()
                    .map(peer -> new PeerView(peer.getPeerId(), peer.getAddress(), peer.getDirection(),
                            peer.getConnectedAtMs(), peer.getAgent()))
                    .toList();
        } catch (StatusRuntimeException e) {
            throw explain(e);
        }
    }

    private ControlGrpc.ControlBlockingStub stub() {
        return stub.withDeadlineAfter(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private ApiException explain(StatusRuntimeException e) {
        Status status = e.getStatus();
        return switch (status.getCode()) {
            // A daemon killed hard leaves its endpoint file behind: the port is simply closed.
            case UNAVAILABLE -> notRunning(home);
            case UNAUTHENTICATED -> new ApiException("the daemon of " + home + " refused our control token");
            case DEADLINE_EXCEEDED -> new ApiException("the daemon of " + home + " did not answer in time");
            default -> new ApiException(status.getDescription() != null ? status.getDescription()
                    : "the daemon answered " + status.getCode());
        };
    }

    private static ApiException notRunning(ProfileHome home) {
        return new ApiException("no daemon is running for " + home + " (start one with: parley daemon --home "
                + home + ")");
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
