package org.parley.link.tls;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.netty.bootstrap.Bootstrap;
import io.grpc.netty.shaded.io.netty.bootstrap.ServerBootstrap;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelFuture;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.ChannelInitializer;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.local.LocalAddress;
import io.grpc.netty.shaded.io.netty.channel.local.LocalChannel;
import io.grpc.netty.shaded.io.netty.channel.local.LocalServerChannel;
import java.io.IOException;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.link.LinkPath;
import org.parley.proto.wire.v1.CircuitChunk;
import org.parley.proto.wire.v1.LinkServiceGrpc;
import org.parley.proto.wire.v1.RelayServiceGrpc;

/**
 * Both ends of a link inside a relay's circuit, set up over {@link TlsGrpcNetwork}'s channels: the
 * dialling end pipes a local link channel into a circuit call, the answering end pipes a circuit
 * call into a local connection to our own link server. Either way the link is the ordinary TLS
 * link, end to end between the two peers, so the relay proves nothing and learns nothing.
 */
final class CircuitLinks {
    private static final Logger LOG = Logger.getLogger(CircuitLinks.class.getName());

    private final TlsGrpcNetwork network;

    CircuitLinks(TlsGrpcNetwork network) {
        this.network = network;
    }

    /**
     * Dials a peer through a circuit: a circuit call to the relay (whose identity its own TLS
     * proves), a one-connection local server that pipes to the circuit, and an ordinary link dial
     * to that local server, whose TLS handshake, end to end through the relay, must prove the peer.
     */
    void dial(DialTarget target) {
        PeerId relayPeer = target.relay().orElseThrow();
        PeerTrustManager trust = new PeerTrustManager(target.expectedPeer());
        ManagedChannel relayChannel;
        ManagedChannel linkChannel;
        LocalAddress pipeAddress = new LocalAddress("parley-circuit-" + UUID.randomUUID());
        try {
            relayChannel = network.channelTo(target.address(), new PeerTrustManager(Optional.of(relayPeer)));
            linkChannel = network.localLinkChannel(pipeAddress, trust);
        } catch (IOException | RuntimeException e) {
            network.loop().execute(() -> network.listener().dialFailed(target, "cannot set up TLS: " + e.getMessage()));
            return;
        }
        LocalPipe[] piped = new LocalPipe[1];
        OutboundDial dial = new OutboundDial(target, trust, linkChannel, network, LinkPath.RELAYED,
                () -> piped[0] == null ? Optional.empty() : piped[0].peerAddress(), reason -> { });
        Channel[] pipeServer = new Channel[1];
        LocalPipe pipe = new LocalPipe(reason -> {
            dial.circuitEnded(reason);
            network.released(relayChannel);
            Channel bound = pipeServer[0];
            if (bound != null) {
                bound.close();
            }
        });
        piped[0] = pipe;
        CircuitCall call = new CircuitCall(pipe, relayPeer.shortForm());
        RelayServiceGrpc.newStub(relayChannel).circuit(call);
        call.open(CircuitChunk.newBuilder()
                .setConnect(ByteString.copyFrom(target.expectedPeer().orElseThrow().publicKey())).build());
        dial.watchdog = network.loop().schedule(network.helloTimeout(), dial::timedOut);
        new ServerBootstrap().group(network.localGroup()).channel(LocalServerChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(pipe)
                .bind(pipeAddress)
                .addListener(bound -> {
                    if (!bound.isSuccess()) {
                        pipe.end("cannot open a local pipe: " + bound.cause());
                        return;
                    }
                    pipeServer[0] = ((ChannelFuture) bound).channel();
                    LinkServiceGrpc.newStub(linkChannel).link(dial);
                });
    }

    /**
     * Opens the answering end of a circuit {@code relayPeer} offered us: a circuit call accepting it,
     * piped to a local connection to our own link server, which then serves the dialling peer as
     * it serves any: its TLS handshake proves who it is.
     */
    void answer(PeerId relayPeer, String relayAddress, long circuit, PeerId from) {
        HostPort address;
        ManagedChannel relayChannel;
        try {
            address = HostPort.parse(relayAddress);
            relayChannel = network.channelTo(address, new PeerTrustManager(Optional.of(relayPeer)));
        } catch (IOException | RuntimeException e) {
            LOG.info(() -> "cannot answer circuit " + circuit + " at " + relayPeer.shortForm() + ": " + e.getMessage());
            return;
        }
        LocalAddress[] answering = new LocalAddress[1];
        LocalPipe pipe = new LocalPipe(reason -> {
            network.released(relayChannel);
            LocalAddress local = answering[0];
            if (local != null) {
                network.forgetLocalOrigin(local);
            }
            LOG.fine(() -> "circuit " + circuit + " from " + from.shortForm() + " via " + relayPeer.shortForm()
                    + " ended: " + reason);
        });
        CircuitCall call = new CircuitCall(pipe, relayPeer.shortForm());
        RelayServiceGrpc.newStub(relayChannel).circuit(call);
        call.open(CircuitChunk.newBuilder().setAccept(circuit).build());
        new Bootstrap().group(network.localGroup()).channel(LocalChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        // Known before the pipe reads the circuit, so before the link's handshake starts.
                        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext context) {
                                LocalAddress local = (LocalAddress) context.channel().localAddress();
                                answering[0] = local;
                                network.registerLocalOrigin(local, LocalOrigin.circuit(relayPeer, pipe::peerAddress));
                                context.fireChannelActive();
                            }
                        });
                        channel.pipeline().addLast(pipe);
                    }
                })
                .connect(network.linkServerAddress())
                .addListener(connected -> {
                    if (!connected.isSuccess()) {
                        pipe.end("cannot reach our own link server: " + connected.cause());
                    }
                });
    }
}
