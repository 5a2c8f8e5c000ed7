package org.parley.link.tls;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.parley.proto.wire.v1.CircuitChunk;
import org.parley.runtime.VirtualScheduler;

/**
 * One circuit stream as gRPC would run it, without a network: it records what our side sends and
 * how it ends, counts the chunks our side asked for, and delivers the peer's chunks only against
 * those requests, as gRPC's flow control does. Always ready to send.
 */
final class FakeCircuitStream extends ServerCallStreamObserver<CircuitChunk> {
    private final List<CircuitChunk> sent = new ArrayList<>();
    private int requested;
    private Status status;
    private Runnable onCancel = () -> { };
    /** Where the peer's chunks go: our side's observer of the stream. */
    StreamObserver<CircuitChunk> inbound;

    List<CircuitChunk> sent() {
        return List.copyOf(sent);
    }

    /** How our side ended the stream; null while it runs. */
    Status status() {
        return status;
    }

    /** Lets the loop run until our side asks for a chunk; false if it ended the stream instead, or never asks. */
    boolean awaitRequest(VirtualScheduler loop) {
        for (int step = 0; requested == 0 && status == null && step < 20; step++) {
            loop.advance(Duration.ofMillis(100));
        }
        return requested > 0 && status == null;
    }

    /** The peer sends a chunk. */
    void deliver(CircuitChunk chunk) {
        requested--;
        inbound.onNext(chunk);
    }

    /** The peer closes its side (or goes away), unless our side ended the stream already. */
    void completeFromPeer() {
        if (status == null) {
            onCancel.run();
            inbound.onCompleted();
        }
    }

    @Override
    public void onNext(CircuitChunk chunk) {
        if (status != null) {
            throw new IllegalStateException("sent on an ended stream");
        }
        sent.add(chunk);
    }

    @Override
    public void onError(Throwable error) {
        if (status != null) {
            throw new IllegalStateException("ended twice");
        }
        status = Status.fromThrowable(error);
    }

    @Override
    public void onCompleted() {
        if (status != null) {
            throw new IllegalStateException("ended twice");
        }
        status = Status.OK;
    }

    @Override
    public void request(int count) {
        requested += count;
    }

    @Override
    public boolean isReady() {
        return status == null;
    }

    @Override
    public boolean isCancelled() {
        return false;
    }

    @Override
    public void setOnCancelHandler(Runnable handler) {
        onCancel = handler;
    }

    @Override
    public void setCompression(String compression) {
    }

    @Override
    public void setOnReadyHandler(Runnable handler) {
    }

    @Override
    public void disableAutoInboundFlowControl() {
    }

    @Override
    public void disableAutoRequest() {
    }

    @Override
    public void setMessageCompression(boolean enable) {
    }
}
