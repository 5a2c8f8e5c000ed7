package org.parley.control;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.parley.api.ApiException;
import org.parley.api.IdentityView;
import org.parley.api.ParleyApi;
import org.parley.api.PeerView;
import org.parley.proto.control.v1.ConnectedPeer;
import org.parley.proto.control.v1.ControlGrpc;
import org.parley.proto.control.v1.GetIdentityRequest;
import org.parley.proto.control.v1.IdentityInfo;
import org.parley.proto.control.v1.ListPeersRequest;
import org.parley.proto.control.v1.ListPeersResponse;

/** Serves a {@link ParleyApi} over the control protocol. */
final class ControlService extends ControlGrpc.ControlImplBase {
    private final ParleyApi api;

    ControlService(ParleyApi api) {
        this.api = api;
    }

    @Override
    public void getIdentity(GetIdentityRequest request, StreamObserver<IdentityInfo> response) {
        answer(response, () -> {
            IdentityView identity = api.identity();
            return IdentityInfo.newBuilder()
                    .setPeerId(identity.peerId())
                    .setName(identity.name())
                    .setFingerprint(identity.fingerprint())
                    .addAllListenAddresses(identity.listenAddresses())
                    .build();
        });
    }

    @Override
    public void listPeers(ListPeersRequest request, StreamObserver<ListPeersResponse> response) {
        answer(response, () -> {
            ListPeersResponse.Builder peers = ListPeersResponse.newBuilder();
            for (PeerView peer : api.peers()) {
                peers.addPeers(ConnectedPeer.newBuilder()
                        .setPeerId(peer.peerId())
                        .setAddress(peer.address())
                        .setDirection(peer.direction())
                        .setConnectedAtMs(peer.connectedAt())
                        .setAgent(peer.agent()));
            }
            return peers.build();
        });
    }

    private interface ApiCall<T> {
        T call() throws ApiException;
    }

    private static <T> void answer(StreamObserver<T> response, ApiCall<T> call) {
        T result;
        try {
            result = call.call();
        } catch (ApiException e) {
            response.onError(Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        response.onNext(result);
        response.onCompleted();
    }
}
