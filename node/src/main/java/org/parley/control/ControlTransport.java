package org.parley.control;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How the control API's bytes travel: a Unix domain socket (Netty's epoll transport, which the
 * shaded gRPC artifact carries for Linux on x86-64 and ARM64) or, when asked, a loopback port.
 * The daemon's transport owns its event loop, shut down with {@link #close}; clients share one.
 */
final class ControlTransport implements AutoCloseable {
    /** {@code sun_path} holds 108 bytes, the terminating NUL included. */
    static final int MAX_SOCKET_PATH_BYTES = 107;
    /**
     * gRPC asks every connection for TCP keepalive, which a domain socket has no use for; Netty then
     * logs a warning per connection: at the client (through {@code AbstractBootstrap}'s logger) on
     * every command's standard error, at the daemon (through {@code ServerBootstrap}'s) a line in
     * its log for every command run and every call of a tool that polls. Their package's logger
     * covers both.
     */
    private static final Logger QUIET_BOOTSTRAP = Logger.getLogger("io.grpc.netty.shaded.io.netty.bootstrap");

    static {
        QUIET_BOOTSTRAP.setLevel(Level.SEVERE);
    }

    /** Made at the first client only: a process that never asks a daemon starts no thread for it. */
    private static EventLoopGroup socketClientLoop;
    private static EventLoopGroup loopbackClientLoop;
    /** The client loops' threads, so that ending the loops can wait for the threads themselves. */
    private static final List<Thread> CLIENT_THREADS = new CopyOnWriteArrayList<>();

    /** Null on the daemon's loopback port, which runs on gRPC's own loops. */
    private final EventLoopGroup eventLoop;
    /** Whether {@link #close} shuts {@link #eventLoop} down: not when clients share it. */
    private final boolean ownsLoop;

    private ControlTransport(EventLoopGroup eventLoop, boolean ownsLoop) {
        this.eventLoop = eventLoop;
        this.ownsLoop = ownsLoop;
    }

    /** Whether this platform offers domain sockets through the bundled transport. */
    static boolean domainSocketsAvailable() {
        return Epoll.isAvailable();
    }

    /** The daemon's side of the socket, on an event loop of its own. */
    static ControlTransport forSocket(int threads) throws IOException {
        requireDomainSockets();
        return new ControlTransport(socketLoop(threads, "parley-control"), true);
    }

    /**
     * A client's side of the socket. The clients of one process share one event loop thread,
     * made at the first and kept until {@link #endClientLoops}: a command makes one client, but
     * the terminal client makes one at every reconnection, and a tool that polls the daemon may
     * make one per question, each of which would otherwise start and stop a thread of its own.
     */
    static ControlTransport forClientSocket() throws IOException {
        requireDomainSockets();
        return new ControlTransport(clientLoop(true), false);
    }

    /** A client's side of a loopback port, on a shared loop as on the socket. */
    static ControlTransport forClientLoopback() {
        return new ControlTransport(clientLoop(false), false);
    }

    /** The daemon's side of a loopback port, on gRPC's own event loops. */
    static ControlTransport forLoopback() {
        return new ControlTransport(null, false);
    }

    private static synchronized EventLoopGroup clientLoop(boolean onSocket) {
        if (onSocket) {
            if (socketClientLoop == null) {
                socketClientLoop = new MultiThreadIoEventLoopGroup(1, clientThreads(), EpollIoHandler.newFactory());
            }
            return socketClientLoop;
        }
        if (loopbackClientLoop == null) {
            loopbackClientLoop = new MultiThreadIoEventLoopGroup(1, clientThreads(), NioIoHandler.newFactory());
        }
        return loopbackClientLoop;
    }

    /**
     * Ends the clients' event loop threads, for a process about to exit; a client made later
     * starts new ones. The JVM's exit waits up to 300 ms for every thread that is in native code
     * to come out of it, and a loop's thread sits in {@code epoll_wait}: a command that left its
     * loop running took that much longer to return, though its work was done.
     */
    static synchronized void endClientLoops() {
        if (socketClientLoop == null && loopbackClientLoop == null && CLIENT_THREADS.isEmpty()) {
            return; // a command on the command line's socket made none, and loads no Netty class here
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        for (EventLoopGroup loop : new EventLoopGroup[] {socketClientLoop, loopbackClientLoop}) {
            if (loop != null) {
                loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(1, TimeUnit.SECONDS);
            }
        }
        // A loop's termination is reported from its thread just before that thread returns.
        for (Thread thread : CLIENT_THREADS) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            try {
                thread.join(Math.max(1, left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        CLIENT_THREADS.removeIf(thread -> !thread.isAlive());
        socketClientLoop = null;
        loopbackClientLoop = null;
    }

    /** Daemon threads for the clients' shared loops, each remembered in {@link #CLIENT_THREADS}. */
    private static ThreadFactory clientThreads() {
        return new DefaultThreadFactory("parley-control-client", true) {
            @Override
            protected Thread newThread(Runnable task, String name) {
                Thread thread = super.newThread(task, name);
                CLIENT_THREADS.add(thread);
                return thread;
            }
        };
    }

    private static void requireDomainSockets() throws IOException {
        if (!domainSocketsAvailable()) {
            throw new IOException("this platform offers no Unix domain sockets to Parley ("
                    + Epoll.unavailabilityCause().getMessage() + "); start the daemon with --control-tcp");
        }
    }

    private static EventLoopGroup socketLoop(int threads, String name) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true),
                EpollIoHandler.newFactory());
    }

    NettyServerBuilder server(ControlEndpoint endpoint, Path socket) throws IOException {
        if (!endpoint.onSocket()) {
            return NettyServerBuilder.forAddress(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), endpoint.port()));
        }
        return NettyServerBuilder.forAddress(socketAddress(socket))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(eventLoop)
                .workerEventLoopGroup(eventLoop);
    }

    ManagedChannel channel(ControlEndpoint endpoint, Path socket) throws IOException {
        if (!endpoint.onSocket()) {
            return NettyChannelBuilder
                    .forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), endpoint.port()))
                    .channelType(NioSocketChannel.class)
                    .eventLoopGroup(eventLoop)
                    .usePlaintext()
                    .build();
        }
        return NettyChannelBuilder.forAddress(socketAddress(socket))
                .channelType(EpollDomainSocketChannel.class)
                .eventLoopGroup(eventLoop)
                .usePlaintext()
                .build();
    }

    private static DomainSocketAddress socketAddress(Path socket) throws IOException {
        int length = socket.toString().getBytes(StandardCharsets.UTF_8).length;
        if (length > MAX_SOCKET_PATH_BYTES) {
            throw new IOException("the control socket's path " + socket + " is " + length
                    + " bytes, over the " + MAX_SOCKET_PATH_BYTES + " a Unix socket allows: use a shorter --home");
        }
        return new DomainSocketAddress(socket.toFile());
    }

    @Override
    public void close() {
        if (ownsLoop) {
            eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
