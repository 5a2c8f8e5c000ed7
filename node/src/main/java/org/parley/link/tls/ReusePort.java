package org.parley.link.tls;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollChannelOption;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioChannelOption;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;

/**
 * {@code SO_REUSEPORT} on the link server's listening socket, so that a hole punch can open an
 * outgoing connection from the very port the node listens on (the port its NAT is likely to keep
 * and the peer was told). The kernel lets only sockets of the same user share a port this way.
 */
final class ReusePort {
    private static final boolean SUPPORTED = probe();

    private ReusePort() {
    }

    /** Whether this platform lets a connection leave from the listen port. */
    static boolean supported() {
        return SUPPORTED;
    }

    private static boolean probe() {
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            return probe.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Sets the option on the server's listening socket, for the transport gRPC picks (epoll where it can). */
    static NettyServerBuilder onListenSocket(NettyServerBuilder builder) {
        if (!SUPPORTED) {
            return builder;
        }
        if (Epoll.isAvailable()) {
            return builder.withOption(EpollChannelOption.SO_REUSEPORT, true);
        }
        return builder.withOption(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true);
    }
}
