package org.parley.link.tls;

import io.grpc.Status;
import io.grpc.stub.CallStreamObserver;
import org.parley.proto.wire.v1.CircuitChunk;

/**
 * The sending half of one circuit stream (either end of a gRPC {@code RelayService.Circuit} call),
 * serialised because gRPC's call objects are not thread-safe and a circuit is touched from the
 * transport's threads of both sides. Ending it is idempotent and happens outside the lock: ending
 * a call may run gRPC's callbacks on this very thread.
 */
final class CircuitStream {
    /** How this end is torn down: a server answers with a status, a client cancels. */
    interface Ender {
        void end(Status status);
    }

    private final CallStreamObserver<CircuitChunk> out;
    private final Ender ender;
    private boolean ended;

    CircuitStream(CallStreamObserver<CircuitChunk> out, Ender ender) {
        this.out = out;
        this.ender = ender;
    }

    /** False when the stream has ended (nothing is sent). */
    synchronized boolean send(CircuitChunk chunk) {
        if (ended) {
            return false;
        }
        try {
            out.onNext(chunk);
            return true;
        } catch (RuntimeException finished) {
            return false;
        }
    }

    synchronized boolean isReady() {
        try {
            return !ended && out.isReady();
        } catch (RuntimeException finished) {
            return false;
        }
    }

    /** Asks gRPC for the next inbound chunk: the only way one arrives, so this is the flow control. */
    synchronized void requestOne() {
        if (ended) {
            return;
        }
        try {
            out.request(1);
        } catch (RuntimeException finished) {
            // The call is over; its own callback ends the circuit.
        }
    }

    synchronized boolean isEnded() {
        return ended;
    }

    void end(Status status) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
        }
        try {
            ender.end(status);
        } catch (RuntimeException alreadyClosed) {
            // Nothing left to end.
        }
    }
}
