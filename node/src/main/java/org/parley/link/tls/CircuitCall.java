package org.parley.link.tls;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import org.parley.proto.wire.v1.CircuitChunk;

/**
 * Our end of a circuit at a relay, as a gRPC client call: its first message says what it is
 * (connect to a peer, or accept an offered circuit), and from then on it carries a {@link LocalPipe}'s
 * bytes. A relay's refusal arrives as the call's status and ends the pipe with the relay's reason.
 */
final class CircuitCall implements ClientResponseObserver<CircuitChunk, CircuitChunk> {
    private final LocalPipe pipe;
    private final String relayName;
    private volatile CircuitStream stream;

    CircuitCall(LocalPipe pipe, String relayName) {
        this.pipe = pipe;
        this.relayName = relayName;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<CircuitChunk> requests) {
        requests.disableAutoRequestWithInitial(0);
        stream = new CircuitStream(requests, status -> requests.cancel(status.getDescription(), null));
        pipe.attach(stream);
        requests.setOnReadyHandler(pipe::circuitReady);
    }

    /** Sends the opening message; call once, right after the call started. */
    void open(CircuitChunk opening) {
        if (!stream.send(opening)) {
            pipe.end("relay " + relayName + " is gone");
        }
    }

    @Override
    public void onNext(CircuitChunk chunk) {
        pipe.fromCircuit(chunk);
    }

    @Override
    public void onError(Throwable error) {
        Status status = Status.fromThrowable(error);
        pipe.end("relay " + relayName + ": " + status.getCode()
                + (status.getDescription() == null ? "" : ": " + status.getDescription()));
    }

    @Override
    public void onCompleted() {
        pipe.end("relay " + relayName + " closed the circuit");
    }
}
