package org.parley.link.tls;

import io.grpc.netty.shaded.io.netty.bootstrap.Bootstrap;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelFuture;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioChannelOption;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.parley.link.HostPort;

/**
 * The socket half of a hole punch: a plain TCP connect from the listen port to the peer, made at
 * the moment both peers agreed on. When both connect at once, each one's SYN leaves through its own
 * NAT before the other's arrives there, and TCP's simultaneous open joins them into one
 * connection. A connect that fails (the first SYN may reach the other NAT too early and be dropped;
 * TCP sends it again within the timeout) is tried a few times. The connected channel is handed
 * over with auto-read off, for the link to be wrapped around it.
 */
final class PunchConnector implements AutoCloseable {
    static final int ATTEMPTS = 3;
    /** Long enough for TCP's SYN retransmissions at 1 and 3 seconds. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(4);
    static final Duration BETWEEN_ATTEMPTS = Duration.ofMillis(200);

    /** Made at the first punch: most nodes never punch, and a node's start should not wait for it. */
    private NioEventLoopGroup group;
    private boolean closed;

    /**
     * Connects from {@code from} to {@code to}; {@code connected} or {@code failed} is called once,
     * on a transport thread.
     */
    void connect(HostPort from, HostPort to, Consumer<Channel> connected, Consumer<String> failed) {
        NioEventLoopGroup sockets;
        synchronized (this) {
            if (!closed && group == null) {
                group = new NioEventLoopGroup(1, new DefaultThreadFactory("parley-punch", true));
            }
            sockets = group;
        }
        if (sockets == null) {
            failed.accept("network closed");
            return;
        }
        attempt(sockets, from, to, 1, connected, failed);
    }

    private void attempt(NioEventLoopGroup group, HostPort from, HostPort to, int attempt, Consumer<Channel> connected,
                         Consumer<String> failed) {
        if (group.isShuttingDown()) {
            failed.accept("network closed");
            return;
        }
        ChannelFuture connecting = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInboundHandlerAdapter())
                .localAddress(new InetSocketAddress(from.host(), from.port()))
                .connect(new InetSocketAddress(to.host(), to.port()));
        connecting.addListener(done -> {
            if (done.isSuccess()) {
                connected.accept(connecting.channel());
                return;
            }
            String reason = "punch to " + to + " from port " + from.port() + " (attempt " + attempt + " of "
                    + ATTEMPTS + "): " + done.cause().getMessage();
            if (attempt >= ATTEMPTS || group.isShuttingDown()) {
                failed.accept(reason);
                return;
            }
            try {
                group.schedule(() -> attempt(group, from, to, attempt + 1, connected, failed),
                        BETWEEN_ATTEMPTS.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closing) {
                failed.accept("network closed");
            }
        });
    }

    @Override
    public void close() {
        NioEventLoopGroup sockets;
        synchronized (this) {
            closed = true;
            sockets = group;
        }
        if (sockets != null) {
            sockets.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
