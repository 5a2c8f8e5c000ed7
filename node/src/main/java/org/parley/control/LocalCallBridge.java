package org.parley.control;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.parley.proto.control.v1.ControlGrpc;
import org.parley.proto.control.v1.LocalCall;
import org.parley.proto.control.v1.LocalReply;
import org.parley.proto.control.v1.LocalStatus;

/**
 * One connection of the command line's socket: reads its one call, hands it to the control
 * service through {@code control} (the daemon's in-process channel, where the token check runs as
 * on gRPC), writes each response and the end back, and cancels the call when the client goes
 * away. What a client sends is checked before anything else: a call must come whole within
 * {@link #CALL_WITHIN_MILLIS} (unless the server says otherwise), be at most {@link #MAX_CALL_BYTES}, parse, and name a method of
 * the Control service; anything else is answered with one status and the connection closed.
 */
final class LocalCallBridge implements Runnable {
    private static final Logger LOG = Logger.getLogger(LocalCallBridge.class.getName());
    /** The gRPC server's own request limit, and room for the method name and token. */
    static final int MAX_CALL_BYTES = 256 * 1024 + 1024;
    static final long CALL_WITHIN_MILLIS = 10_000;
    /** The longest limit a call may name: as long as the command line gives a file to be sent. */
    private static final long MAX_TIMEOUT_MILLIS = TimeUnit.MINUTES.toMillis(10);
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw Status.INTERNAL.withDescription("unreadable message").withCause(e).asRuntimeException();
            }
        }
    };

    private final SocketChannel connection;
    private final Channel control;
    private final ScheduledExecutorService timers;
    private final OutputStream out;
    private final long callWithinMillis;

    LocalCallBridge(SocketChannel connection, Channel control, ScheduledExecutorService timers, long callWithinMillis) {
        this.callWithinMillis = callWithinMillis;
        this.connection = connection;
        this.control = control;
        this.timers = timers;
        this.out = SocketStreams.out(connection);
    }

    @Override
    public void run() {
        try (connection) {
            InputStream in = new BufferedInputStream(SocketStreams.in(connection));
            Optional<LocalCall> call = readCall(in);
            if (call.isEmpty()) {
                return;
            }
            forward(call.get(), in);
        } catch (IOException e) {
            LOG.fine(() -> "a command line connection failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * For a connection the server has no thread for: says so, and closes it a second later, by
     * when the client has read why. Closed at once, with the client's call unread, the connection
     * would be reset, and the client would see a daemon gone instead of a busy one.
     */
    void refuseBusy() {
        try {
            end(Status.RESOURCE_EXHAUSTED.withDescription("the daemon is serving "
                    + LocalCallServer.MAX_CONNECTIONS + " command line connections already"));
            connection.shutdownOutput();
        } catch (IOException e) {
            LOG.fine(() -> "could not refuse a command line connection: " + e.getMessage());
        }
        timers.schedule(this::closeQuietly, 1, TimeUnit.SECONDS);
    }

    private Optional<LocalCall> readCall(InputStream in) throws IOException {
        // Closing the connection is what ends a read that waits for a client that sends nothing.
        ScheduledFuture<?> slow = timers.schedule(this::closeQuietly, callWithinMillis, TimeUnit.MILLISECONDS);
        Optional<byte[]> frame;
        try {
            frame = LocalFrames.read(in, MAX_CALL_BYTES);
        } catch (IOException e) {
            if (connection.isOpen()) {
                end(Status.INVALID_ARGUMENT.withDescription("a malformed call: " + e.getMessage()));
            }
            return Optional.empty();
        } finally {
            slow.cancel(false);
        }
        if (frame.isEmpty()) {
            return Optional.empty();
        }
        LocalCall call;
        try {
            call = LocalCall.parseFrom(frame.get());
        } catch (InvalidProtocolBufferException e) {
            end(Status.INVALID_ARGUMENT.withDescription("a malformed call"));
            return Optional.empty();
        }
        if (call.getTimeoutMillis() < 0) {
            end(Status.INVALID_ARGUMENT.withDescription("a negative timeout"));
            return Optional.empty();
        }
        return Optional.of(call);
    }

    private void forward(LocalCall call, InputStream in) throws IOException, InterruptedException {
        MethodDescriptor<?, ?> method = ControlGrpc.getServiceDescriptor().getMethods().stream()
                .filter(candidate -> candidate.getFullMethodName().equals(call.getMethod()))
                .findFirst().orElse(null);
        if (method == null) {
            end(Status.UNIMPLEMENTED.withDescription("no such control method"));
            return;
        }
        // A call that names no limit has none, as on gRPC: a watch lasts as long as its client.
        CallOptions options = call.getTimeoutMillis() == 0 ? CallOptions.DEFAULT
                : CallOptions.DEFAULT.withDeadlineAfter(Math.min(call.getTimeoutMillis(), MAX_TIMEOUT_MILLIS),
                        TimeUnit.MILLISECONDS);
        ClientCall<byte[], byte[]> forwarded = control.newCall(method.toBuilder(BYTES, BYTES).build(), options);
        CountDownLatch ended = new CountDownLatch(1);
        Metadata headers = new Metadata();
        headers.put(ControlToken.HEADER, call.getToken());
        forwarded.start(new ClientCall.Listener<>() {
            @Override
            public void onMessage(byte[] message) {
                try {
                    write(LocalReply.newBuilder().setMessage(ByteString.copyFrom(message)).build());
                    forwarded.request(1);
                } catch (IOException e) {
                    forwarded.cancel("the command line went away", e);
                }
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                try {
                    end(status);
                } catch (IOException e) {
                    LOG.fine(() -> "could not end a command line call: " + e.getMessage());
                } finally {
                    ended.countDown();
                }
            }
        }, headers);
        forwarded.request(1);
        forwarded.sendMessage(call.getRequest().toByteArray());
        forwarded.halfClose();
        // The client sends nothing more: a read that returns is the client gone (or misbehaving),
        // which ends the call (a watch the terminal client closes, a command stopped with Ctrl-C).
        Thread watcher = new Thread(() -> {
            try {
                while (in.read() >= 0) {
                    // Bytes after the call mean nothing; only the end of the stream counts.
                }
            } catch (IOException e) {
                // Closed by us at the end, or reset by the client: either way the call is over.
            }
            forwarded.cancel("the command line closed its connection", null);
        }, Thread.currentThread().getName() + "-eof");
        watcher.setDaemon(true);
        watcher.start();
        ended.await();
    }

    private void end(Status status) throws IOException {
        LocalStatus.Builder end = LocalStatus.newBuilder().setCode(status.getCode().value());
        if (status.getDescription() != null) {
            end.setDescription(status.getDescription());
        }
        write(LocalReply.newBuilder().setEnd(end).build());
    }

    private synchronized void write(LocalReply reply) throws IOException {
        LocalFrames.write(out, reply);
    }

    private void closeQuietly() {
        try {
            connection.close();
        } catch (IOException e) {
            LOG.fine(() -> "could not close a slow command line connection: " + e.getMessage());
        }
    }
}
