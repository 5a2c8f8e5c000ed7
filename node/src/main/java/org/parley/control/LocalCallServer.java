package org.parley.control;

import io.grpc.Channel;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * The daemon's side of the command line's socket ({@code cli.sock} in the owner-only home): the
 * JDK's own domain sockets and one thread per connection, each connection one call handed to the
 * control service in process ({@link LocalCallBridge}), where the same token check and service
 * answer it as on gRPC. Few connections at once: a command makes one at a time, a terminal client
 * holds one for its watch.
 */
final class LocalCallServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LocalCallServer.class.getName());
    static final int MAX_CONNECTIONS = 16;

    private final Path socket;
    private final ServerSocketChannel listener;
    private final ThreadPoolExecutor connections;
    private final ScheduledExecutorService timers;
    private final Thread acceptor;
    private final long callWithinMillis;

    private LocalCallServer(Path socket, ServerSocketChannel listener, Channel control, long callWithinMillis) {
        this.callWithinMillis = callWithinMillis;
        this.socket = socket;
        this.listener = listener;
        AtomicInteger number = new AtomicInteger();
        this.connections = new ThreadPoolExecutor(0, MAX_CONNECTIONS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                task -> daemonThread(task, "parley-cli-call-" + number.incrementAndGet()));
        this.timers = Executors.newSingleThreadScheduledExecutor(task -> daemonThread(task, "parley-cli-timer"));
        this.acceptor = daemonThread(() -> accept(control), "parley-cli-socket");
    }

    /** Listens on {@code socket} (replacing a dead daemon's), owner-only, and starts accepting. */
    static LocalCallServer start(Path socket, Channel control) throws IOException {
        return start(socket, control, LocalCallBridge.CALL_WITHIN_MILLIS);
    }

    /** As {@link #start(Path, Channel)}, cutting off a client that has not sent its call in {@code callWithinMillis}. */
    static LocalCallServer start(Path socket, Channel control, long callWithinMillis) throws IOException {
        Files.deleteIfExists(socket);
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            listener.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
        LocalCallServer server = new LocalCallServer(socket, listener, control, callWithinMillis);
        server.acceptor.start();
        return server;
    }

    private void accept(Channel control) {
        while (true) {
            SocketChannel connection;
            try {
                connection = listener.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warning("the command line's socket failed: " + e.getMessage());
                return;
            }
            LocalCallBridge bridge = new LocalCallBridge(connection, control, timers, callWithinMillis);
            try {
                connections.execute(bridge);
            } catch (RejectedExecutionException e) {
                bridge.refuseBusy();
            }
        }
    }

    private static Thread daemonThread(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            LOG.warning("could not close the command line's socket: " + e.getMessage());
        }
        connections.shutdownNow();
        timers.shutdownNow();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warning("could not remove the command line's socket: " + e.getMessage());
        }
    }
}
