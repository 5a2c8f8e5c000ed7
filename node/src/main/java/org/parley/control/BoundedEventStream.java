package org.parley.control;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.parley.proto.control.v1.Event;

/**
 * The event stream of one {@code watch} client. gRPC buffers whatever the client has not read
 * yet without limit, so a client that stops reading would grow the daemon's memory with every
 * message: past {@code maxBacklog} events written while the transport was not ready, the stream
 * ends with {@code RESOURCE_EXHAUSTED} and the watcher is dropped.
 */
final class BoundedEventStream implements Consumer<Event> {
    private final ServerCallStreamObserver<Event> stream;
    private final int maxBacklog;
    private final AtomicInteger backlog = new AtomicInteger();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Runnable onEnd = () -> { };

    BoundedEventStream(ServerCallStreamObserver<Event> stream, int maxBacklog) {
        this.stream = stream;
        this.maxBacklog = maxBacklog;
        stream.setOnReadyHandler(() -> backlog.set(0));
        stream.setOnCancelHandler(this::end);
    }

    /** What to do once the stream is over, whether the client left or was dropped. */
    void onEnd(Runnable action) {
        onEnd = action;
        if (ended.get()) {
            action.run(); // the client left before there was anything to undo
        }
    }

    @Override
    public synchronized void accept(Event event) {
        if (ended.get()) {
            return;
        }
        if (!stream.isReady() && backlog.incrementAndGet() > maxBacklog) {
            stream.onError(Status.RESOURCE_EXHAUSTED
                    .withDescription("the watcher fell more than " + maxBacklog + " events behind")
                    .asRuntimeException());
            end();
            return;
        }
        stream.onNext(event);
    }

    private void end() {
        if (ended.compareAndSet(false, true)) {
            onEnd.run();
        }
    }
}
