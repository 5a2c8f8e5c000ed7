package org.parley.link.tls;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.netty.bootstrap.Bootstrap;
import io.grpc.netty.shaded.io.netty.bootstrap.ServerBootstrap;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelFuture;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.local.LocalAddress;
import io.grpc.netty.shaded.io.netty.channel.local.LocalChannel;
import io.grpc.netty.shaded.io.netty.channel.local.LocalServerChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.link.LinkPath;
import org.parley.proto.wire.v1.LinkServiceGrpc;

/**
 * Hole-punched links over TLS: a punched TCP connection ({@link PunchConnector}) is piped to
 * Netty's local transport, as a relay's circuit is, so the link on it is the ordinary
 * identity-bound TLS gRPC link with the same checks. Both ends opened the connection, so a rule
 * both compute alike says who plays which part: the peer with the smaller ID dials the link (TLS
 * and HTTP/2 client), the other serves it from its own link server.
 */
final class PunchedLinks implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PunchedLinks.class.getName());

    private final TlsGrpcNetwork network;
    private final PeerId self;
    private final PunchConnector connector = new PunchConnector();

    PunchedLinks(TlsGrpcNetwork network, PeerId self) {
        this.network = network;
        this.self = self;
    }

    /** See {@link org.parley.link.HolePuncher#punch}. */
    void punch(PeerId peer, HostPort address, Consumer<String> failed) {
        Consumer<String> onLoop = onceOnLoop(failed);
        if (!ReusePort.supported()) {
            onLoop.accept("this platform cannot connect from the listen port");
            return;
        }
        HostPort listen = network.listenAddresses().get(0);
        connector.connect(listen, address, tcp -> {
            LOG.fine(() -> "punched TCP connection to " + peer.shortForm() + " at " + address);
            wrap(tcp, peer, address, onLoop);
        }, onLoop);
    }

    /**
     * Runs the link over a connected TCP channel (auto-read off) that both ends opened: the smaller
     * peer ID dials it, the other serves it. {@code failed} may be called from any thread.
     */
    void wrap(Channel tcp, PeerId peer, HostPort address, Consumer<String> failed) {
        if (self.compareTo(peer) < 0) {
            dialOver(tcp, peer, address, failed);
        } else {
            serveOver(tcp, peer, address, failed);
        }
    }

    /** Dials the link through a one-connection local server piped to the punched connection. */
    private void dialOver(Channel tcp, PeerId peer, HostPort address, Consumer<String> failed) {
        LocalAddress pipeAddress = new LocalAddress("parley-punched-" + UUID.randomUUID());
        PeerTrustManager trust = new PeerTrustManager(Optional.of(peer));
        ManagedChannel linkChannel;
        try {
            linkChannel = network.localLinkChannel(pipeAddress, trust);
        } catch (IOException | RuntimeException e) {
            tcp.close();
            failed.accept("cannot set up TLS: " + e.getMessage());
            return;
        }
        OutboundDial dial = new OutboundDial(DialTarget.peerAt(peer, address), trust, linkChannel, network,
                LinkPath.HOLE_PUNCHED, Optional::empty, failed);
        ChannelFuture binding = new ServerBootstrap().group(network.localGroup()).channel(LocalServerChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext context) {
                        ChannelBridge.join(context.channel(), tcp);
                    }
                })
                .bind(pipeAddress);
        binding.addListener(bound -> {
            if (!bound.isSuccess()) {
                tcp.close();
                failed.accept("cannot open a local pipe: " + bound.cause());
                return;
            }
            // One connection: the local server goes with the punched connection.
            tcp.closeFuture().addListener(closed -> binding.channel().close());
            dial.watchdog = network.loop().schedule(network.helloTimeout(), dial::timedOut);
            LinkServiceGrpc.newStub(linkChannel).link(dial);
        });
    }

    /** Connects the punched connection to our own link server, which then serves the peer as any. */
    private void serveOver(Channel tcp, PeerId peer, HostPort address, Consumer<String> failed) {
        String remote = tcp.remoteAddress() instanceof InetSocketAddress inet
                ? new HostPort(inet.getAddress().getHostAddress(), inet.getPort()).toString() : address.toString();
        LocalOrigin origin = LocalOrigin.punched(peer, remote);
        new Bootstrap().group(network.localGroup()).channel(LocalChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext context) {
                        Channel local = context.channel();
                        // Registered before the first byte is read, so before the link's handshake ends.
                        LocalAddress at = (LocalAddress) local.localAddress();
                        network.registerLocalOrigin(at, origin);
                        local.closeFuture().addListener(closed -> {
                            network.forgetLocalOrigin(at);
                            if (!origin.linked().get()) {
                                failed.accept("no link came over the punched connection to " + address);
                            }
                        });
                        ChannelBridge.join(local, tcp);
                    }
                })
                .connect(network.linkServerAddress())
                .addListener(connected -> {
                    if (!connected.isSuccess()) {
                        tcp.close();
                        failed.accept("cannot reach our own link server: " + connected.cause());
                    }
                });
    }

    /** Reports a failure once, on the node's loop. */
    private Consumer<String> onceOnLoop(Consumer<String> failed) {
        AtomicBoolean told = new AtomicBoolean();
        return reason -> {
            if (told.compareAndSet(false, true)) {
                network.loop().execute(() -> failed.accept(reason));
            }
        };
    }

    @Override
    public void close() {
        connector.close();
    }
}
