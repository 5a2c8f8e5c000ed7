package org.parley.control;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.parley.proto.control.v1.LocalCall;
import org.parley.proto.control.v1.LocalReply;

/**
 * One call over the command line's socket. The request is sent when the caller half-closes (every
 * control method takes one request); a thread of the call's own then reads the replies and tells
 * the listener, on the call's executor when it has one (a blocking stub's), else on that thread.
 * The call ends once: with the daemon's status, when the deadline passes, when the caller
 * cancels, or when the connection fails.
 */
final class LocalClientCall<Q, R> extends ClientCall<Q, R> {
    /** The gRPC client's default limit on a response. */
    static final int MAX_REPLY_BYTES = 4 * 1024 * 1024 + 1024;

    private final Path socket;
    private final MethodDescriptor<Q, R> method;
    private final CallOptions options;
    private final AtomicBoolean ended = new AtomicBoolean();
    private Listener<R> listener;
    private String token = "";
    private byte[] request;
    private volatile SocketChannel connection;
    /** Whether the listener has heard the end; touched only by callbacks, which run one at a time. */
    private boolean listenerClosed;

    LocalClientCall(Path socket, MethodDescriptor<Q, R> method, CallOptions options) {
        this.socket = socket;
        this.method = method;
        this.options = options;
    }

    @Override
    public void start(Listener<R> listener, Metadata headers) {
        this.listener = listener;
        String presented = headers.get(ControlToken.HEADER);
        if (presented != null) {
            token = presented;
        }
    }

    @Override
    public void request(int messages) {
        // Replies are read as they come; the socket's own buffer holds back a daemon that runs ahead.
    }

    @Override
    public void sendMessage(Q message) {
        try (InputStream serialized = method.streamRequest(message)) {
            request = serialized.readAllBytes();
        } catch (IOException e) {
            throw Status.INTERNAL.withDescription("could not serialize the request").withCause(e).asRuntimeException();
        }
    }

    @Override
    public void halfClose() {
        Thread reader = new Thread(this::exchange, "parley-cli-call");
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public void cancel(String message, Throwable cause) {
        end(Status.CANCELLED.withDescription(message).withCause(cause));
    }

    private void exchange() {
        Deadline deadline = options.getDeadline();
        long timeoutMillis = deadline == null ? 0 : Math.max(1, deadline.timeRemaining(TimeUnit.MILLISECONDS));
        try {
            connection = SocketChannel.open(StandardProtocolFamily.UNIX);
            if (ended.get()) {
                connection.close();
                return;
            }
            if (deadline != null) {
                // Closing the connection ends a read that would wait past the deadline.
                deadline.runOnExpiration(() -> end(Status.DEADLINE_EXCEEDED.withDescription("no answer in time")),
                        Expiry.TIMER);
            }
            connection.connect(UnixDomainSocketAddress.of(socket));
            OutputStream out = SocketStreams.out(connection);
            LocalFrames.write(out, LocalCall.newBuilder().setMethod(method.getFullMethodName()).setToken(token)
                    .setRequest(ByteString.copyFrom(request)).setTimeoutMillis(timeoutMillis).build());
            InputStream in = new BufferedInputStream(SocketStreams.in(connection));
            while (!ended.get()) {
                Optional<byte[]> frame = LocalFrames.read(in, MAX_REPLY_BYTES);
                if (frame.isEmpty()) {
                    end(Status.UNAVAILABLE.withDescription("the daemon closed the connection"));
                    return;
                }
                LocalReply reply = LocalReply.parseFrom(frame.get());
                if (reply.hasEnd()) {
                    end(Status.fromCodeValue(reply.getEnd().getCode())
                            .withDescription(reply.getEnd().getDescription().isEmpty() ? null
                                    : reply.getEnd().getDescription()));
                    return;
                }
                R response = method.parseResponse(new ByteArrayInputStream(reply.getMessage().toByteArray()));
                deliver(() -> {
                    if (!listenerClosed) {
                        listener.onMessage(response);
                    }
                });
            }
        } catch (InvalidProtocolBufferException e) {
            end(Status.INTERNAL.withDescription("the daemon's answer is malformed").withCause(e));
        } catch (IOException | RuntimeException e) {
            end(Status.UNAVAILABLE.withDescription("the command line's socket failed: " + e.getMessage()).withCause(e));
        }
    }

    private void end(Status status) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        SocketChannel open = connection;
        if (open != null) {
            try {
                open.close();
            } catch (IOException e) {
                // Ending anyway: the daemon sees the connection go and ends its side.
            }
        }
        deliver(() -> {
            if (!listenerClosed) {
                listenerClosed = true;
                listener.onClose(status, new Metadata());
            }
        });
    }

    /**
     * Runs a listener callback: on the call's executor, which for the stubs here is a blocking
     * stub's, running its tasks one at a time in order on the caller's thread; without one, here,
     * one callback at a time.
     */
    private void deliver(Runnable callback) {
        Executor executor = options.getExecutor();
        if (executor == null) {
            synchronized (this) {
                callback.run();
            }
        } else {
            executor.execute(callback);
        }
    }

    /** One timer thread for the deadlines of a process's calls, made at the first deadline. */
    private static final class Expiry {
        static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "parley-cli-deadline");
            thread.setDaemon(true);
            return thread;
        });
    }
}
