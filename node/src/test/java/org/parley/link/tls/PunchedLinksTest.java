package org.parley.link.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.netty.shaded.io.netty.bootstrap.Bootstrap;
import io.grpc.netty.shaded.io.netty.bootstrap.ServerBootstrap;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.link.Direction;
import org.parley.link.HostPort;
import org.parley.link.Link;
import org.parley.link.LinkConfig;
import org.parley.link.LinkPath;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.Hello;
import org.parley.runtime.EventLoop;

/**
 * A punched TCP connection carries the ordinary identity-bound TLS link: the smaller peer ID dials
 * it, the other serves it, both see a hole-punched link to the peer they expected, and a third
 * identity at the other end is refused. (Making the connection by simultaneous open through real
 * NATs is NatTraversalTest's part.)
 */
class PunchedLinksTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final NioEventLoopGroup sockets = new NioEventLoopGroup(1);

    @AfterEach
    void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        sockets.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void bothEndsGetAHolePunchedTlsLinkToThePeerTheyExpected() throws Exception {
        Node a = node("a");
        Node b = node("b");
        Channel[] pair = tcpPair();
        BlockingQueue<String> failures = new LinkedBlockingQueue<>();
        HostPort somewhere = new HostPort("198.51.100.12", 7450);
        new PunchedLinks(a.network, a.identity.peerId()).wrap(pair[0], b.identity.peerId(), somewhere, failures::add);
        new PunchedLinks(b.network, b.identity.peerId()).wrap(pair[1], a.identity.peerId(), somewhere, failures::add);

        Link atA = a.events.next("up").link();
        Link atB = b.events.next("up").link();
        assertEquals(b.identity.peerId(), atA.remotePeer());
        assertEquals(a.identity.peerId(), atB.remotePeer());
        assertEquals(LinkPath.HOLE_PUNCHED, atA.path());
        assertEquals(LinkPath.HOLE_PUNCHED, atB.path());
        assertTrue(atA.relay().isEmpty() && atB.relay().isEmpty());
        boolean aDials = a.identity.peerId().compareTo(b.identity.peerId()) < 0;
        assertEquals(aDials ? Direction.OUTBOUND : Direction.INBOUND, atA.direction(), "the smaller peer ID dials");
        assertEquals(aDials ? Direction.INBOUND : Direction.OUTBOUND, atB.direction());

        atA.send(hello("over the punched link"));
        assertEquals("a", b.events.next("frame").frame().getHello().getAgent(), "a's greeting first");
        assertEquals("over the punched link", b.events.next("frame").frame().getHello().getAgent());
        assertNull(failures.poll(200, TimeUnit.MILLISECONDS), "nothing failed");
    }

    @Test
    void anotherIdentityAtTheOtherEndIsRefusedAtBothRoles() throws Exception {
        Node a = node("a");
        Node expected = node("expected");
        Node mallory = node("mallory");
        Channel[] pair = tcpPair();
        BlockingQueue<String> failures = new LinkedBlockingQueue<>();
        HostPort somewhere = new HostPort("198.51.100.12", 7450);
        // a expects "expected" but mallory sits at the other end, believing it reaches a.
        new PunchedLinks(a.network, a.identity.peerId())
                .wrap(pair[0], expected.identity.peerId(), somewhere, reason -> failures.add("a: " + reason));
        new PunchedLinks(mallory.network, mallory.identity.peerId())
                .wrap(pair[1], a.identity.peerId(), somewhere, reason -> failures.add("mallory: " + reason));

        String failure = failures.poll(20, TimeUnit.SECONDS);
        assertNotNull(failure, "the punch fails");
        for (RecordingListener.Event event = a.events.poll(500); event != null; event = a.events.poll(500)) {
            assertTrue(!event.kind().equals("up"), "a reports no link, but got one to " + event.link());
        }
    }

    private Channel[] tcpPair() throws Exception {
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(sockets).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext context) {
                        accepted.complete(context.channel());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        resources.add(() -> server.close().sync());
        Channel client = new Bootstrap().group(sockets).channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(server.localAddress()).sync().channel();
        return new Channel[] {client, accepted.get(10, TimeUnit.SECONDS)};
    }

    private static Frame hello(String agent) {
        return Frame.newBuilder().setHello(Hello.newBuilder().setProtocolVersion(1).setAgent(agent)).build();
    }

    private Node node(String name) {
        Identity identity = Identity.generate(name, RANDOM);
        EventLoop loop = new EventLoop("test-" + name);
        RecordingListener events = new RecordingListener(hello(name));
        TlsGrpcNetwork network = new TlsGrpcNetwork(identity, new HostPort("127.0.0.1", 0), LinkConfig.defaults(), loop);
        network.start(events);
        resources.add(loop);
        resources.add(network);
        return new Node(identity, network, events);
    }

    private record Node(Identity identity, TlsGrpcNetwork network, RecordingListener events) {
    }
}
