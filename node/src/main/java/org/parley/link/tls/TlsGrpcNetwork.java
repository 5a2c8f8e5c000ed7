package org.parley.link.tls;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.DefaultEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.local.LocalAddress;
import io.grpc.netty.shaded.io.netty.channel.local.LocalChannel;
import io.grpc.netty.shaded.io.netty.channel.local.LocalServerChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.HolePuncher;
import org.parley.link.HostPort;
import org.parley.link.LinkConfig;
import org.parley.link.LinkListener;
import org.parley.link.Network;
import org.parley.link.Neighbours;
import org.parley.link.relay.CircuitRelay;
import org.parley.link.relay.CircuitTransport;
import org.parley.link.relay.RelayLimits;
import org.parley.runtime.Clock;
import org.parley.proto.wire.v1.LinkServiceGrpc;
import org.parley.runtime.Scheduler;

/**
 * The real {@link Network}: gRPC (Netty) over mutual TLS 1.3, one {@code LinkService.Link} stream
 * per link. It serves the stream for peers that dial us and opens one channel per dial. Links are
 * reported only once the handshake has proved the remote peer ID. gRPC's threads only hand events
 * to the node's loop. This class sets up the servers and channels and dials; its parts each do one
 * thing: {@link VerifiedPeer} proves who called, {@link InboundLinks} serves a dialling peer's
 * stream, {@link OutboundDial} follows one of our dials, {@link CircuitLinks} sets up both ends of a
 * link inside a relayed circuit, and {@link CircuitEndpoint}, {@link CircuitCall} and
 * {@link LocalPipe} carry those links.
 */
public final class TlsGrpcNetwork implements CircuitTransport, HolePuncher {
    private static final Logger LOG = Logger.getLogger(TlsGrpcNetwork.class.getName());
    /** Links inside circuits are TLS over a local channel; the authority names no host. */
    private static final String CIRCUIT_AUTHORITY = "circuit.parley.invalid";
    /** One link stream per connection is the protocol; a few more leave room for a racing redial. */
    private static final int MAX_STREAMS_PER_CONNECTION = 4;
    private static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(20);
    /** gRPC refuses client keepalive more often than this anyway. */
    private static final Duration MIN_KEEPALIVE = Duration.ofSeconds(10);

    private final Identity identity;
    private final HostPort listen;
    private final LinkConfig config;
    private final Scheduler loop;
    private final OwnKeyManager ownKey;
    private final Set<GrpcLink> links = ConcurrentHashMap.newKeySet();
    private final Set<ManagedChannel> channels = ConcurrentHashMap.newKeySet();
    /** Where links inside circuits are served: the same TLS link server, on Netty's local transport. */
    private final LocalAddress circuitAddress = new LocalAddress("parley-links-" + UUID.randomUUID());
    /** Our local channels to the link server (answered circuits, punched connections), by their local address. */
    private final Map<LocalAddress, LocalOrigin> localOrigins = new ConcurrentHashMap<>();
    private final RelayTampering tampering;
    private final CircuitLinks circuitLinks = new CircuitLinks(this);
    private volatile DefaultEventLoopGroup localGroup;
    private volatile CircuitRelay<CircuitEndpoint.End> relay;
    private volatile PunchedLinks punched;
    private volatile LinkListener listener;
    private volatile Server server;
    private volatile Server circuitServer;
    private volatile boolean closed;

    public TlsGrpcNetwork(Identity identity, HostPort listen, LinkConfig config, Scheduler loop) {
        this(identity, listen, config, loop, CertificateBinding.create(identity));
    }

    /** With given credentials: tests use it to present forged certificates. */
    TlsGrpcNetwork(Identity identity, HostPort listen, LinkConfig config, Scheduler loop,
                   CertificateBinding.Credentials credentials) {
        this(identity, listen, config, loop, credentials, RelayTampering.NONE);
    }

    /** With a hostile relay's behaviour: tests use it to prove links inside circuits survive none of it. */
    TlsGrpcNetwork(Identity identity, HostPort listen, LinkConfig config, Scheduler loop,
                   CertificateBinding.Credentials credentials, RelayTampering tampering) {
        this.tampering = tampering;
        this.identity = identity;
        this.listen = listen;
        this.config = config;
        this.loop = loop;
        this.ownKey = new OwnKeyManager(credentials);
    }

    /**
     * Binds the listening socket and starts serving.
     *
     * @throws UncheckedIOException when the address cannot be bound
     */
    @Override
    public void start(LinkListener linkListener) {
        this.listener = linkListener;
        Duration keepAlive = max(config.keepAlive(), MIN_KEEPALIVE);
        localGroup = new DefaultEventLoopGroup(1, new DefaultThreadFactory("parley-circuits", true));
        punched = new PunchedLinks(this, identity.peerId());
        CircuitEndpoint circuits = new CircuitEndpoint(VerifiedPeer.REMOTE_PEER, VerifiedPeer.REMOTE_ADDRESS, loop,
                () -> relay, tampering,
                circuit -> answerCircuit(identity.peerId(), listenAddresses().get(0).toString(), circuit,
                        identity.peerId()));
        try {
            // SO_REUSEPORT: hole punches connect out from this same port.
            server = ReusePort.onListenSocket(configure(NettyServerBuilder.forAddress(
                            new InetSocketAddress(listen.host(), listen.port())), keepAlive))
                    .addService(ServerInterceptors.intercept(circuits, new VerifiedPeer(localOrigins::get)))
                    .build()
                    .start();
            circuitServer = configure(NettyServerBuilder.forAddress(circuitAddress), keepAlive)
                    .channelType(LocalServerChannel.class)
                    .bossEventLoopGroup(localGroup)
                    .workerEventLoopGroup(localGroup)
                    .build()
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage() == null ? "cannot bind " + listen : e.getMessage(), e);
        }
        LOG.info(() -> "accepting TLS links on " + listenAddresses() + " as " + identity.peerId().shortForm());
    }

    /** The link server's settings, alike on TCP and on the local transport circuits use. */
    private NettyServerBuilder configure(NettyServerBuilder builder, Duration keepAlive) throws SSLException {
        return builder.sslContext(TlsContexts.server(ownKey))
                .directExecutor()
                .maxInboundMessageSize(config.maxFrameBytes())
                .maxConcurrentCallsPerConnection(MAX_STREAMS_PER_CONNECTION)
                .keepAliveTime(keepAlive.toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveTimeout(KEEPALIVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .permitKeepAliveTime(MIN_KEEPALIVE.toMillis() / 2, TimeUnit.MILLISECONDS)
                .permitKeepAliveWithoutCalls(true)
                .handshakeTimeout(config.helloTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .addService(ServerInterceptors.intercept(new InboundLinks(this), new VerifiedPeer(localOrigins::get)));
    }

    @Override
    public CircuitRelay<?> serveRelay(Neighbours links, Predicate<PeerId> banned, Clock clock, RelayLimits limits) {
        CircuitRelay<CircuitEndpoint.End> serving = new CircuitRelay<>(links, banned, loop, clock, limits);
        relay = serving;
        return serving;
    }

    @Override
    public List<HostPort> listenAddresses() {
        Server running = server;
        return List.of(running == null ? listen : new HostPort(listen.host(), running.getPort()));
    }

    @Override
    public void dial(DialTarget target) {
        if (closed) {
            return;
        }
        if (target.isRelayed()) {
            circuitLinks.dial(target);
            return;
        }
        PeerTrustManager trust = new PeerTrustManager(target.expectedPeer());
        ManagedChannel channel;
        try {
            channel = channelTo(target.address(), trust);
        } catch (IOException | RuntimeException e) {
            loop.execute(() -> listener.dialFailed(target, "cannot set up TLS: " + e.getMessage()));
            return;
        }
        OutboundDial dial = new OutboundDial(target, trust, channel, this);
        dial.watchdog = loop.schedule(config.helloTimeout(), dial::timedOut);
        LinkServiceGrpc.newStub(channel).link(dial);
    }

    /** A TLS channel to {@code address} whose handshake {@code trust} checks. */
    ManagedChannel channelTo(HostPort address, PeerTrustManager trust) throws IOException {
        ManagedChannel channel = configure(NettyChannelBuilder.forAddress(address.host(), address.port()), trust)
                .build();
        channels.add(channel);
        return channel;
    }

    private NettyChannelBuilder configure(NettyChannelBuilder builder, PeerTrustManager trust) throws SSLException {
        Duration keepAlive = max(config.keepAlive(), MIN_KEEPALIVE);
        return builder.sslContext(TlsContexts.client(ownKey, trust))
                .directExecutor()
                .maxInboundMessageSize(config.maxFrameBytes())
                .keepAliveTime(keepAlive.toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveTimeout(KEEPALIVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveWithoutCalls(true)
                // One attempt per dial: the link layer owns retries and their backoff.
                .disableRetry();
    }

    /**
     * Opens the answering end of a circuit {@code relayPeer} offered us (see {@link CircuitLinks}).
     */
    @Override
    public void answerCircuit(PeerId relayPeer, String relayAddress, long circuit, PeerId from) {
        if (closed) {
            return;
        }
        circuitLinks.answer(relayPeer, relayAddress, circuit, from);
    }

    @Override
    public void close() {
        closed = true;
        Server running = server;
        if (running != null) {
            running.shutdownNow();
        }
        Server circuits = circuitServer;
        if (circuits != null) {
            circuits.shutdownNow();
        }
        links.forEach(link -> link.close("network closed"));
        PunchedLinks punching = punched;
        if (punching != null) {
            punching.close();
        }
        channels.forEach(ManagedChannel::shutdownNow);
        channels.clear();
        DefaultEventLoopGroup group = localGroup;
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /**
     * {@inheritDoc} From this node's listen port; the link over the connection is the same TLS link
     * as any (see {@link PunchedLinks}).
     */
    @Override
    public void punch(PeerId peer, HostPort address, Consumer<String> failed) {
        PunchedLinks punching = punched;
        if (closed || punching == null) {
            loop.execute(() -> failed.accept("network closed"));
            return;
        }
        punching.punch(peer, address, failed);
    }

    /** A TLS link channel to a local address (piped to a circuit or a punched connection) whose handshake {@code trust} checks. */
    ManagedChannel localLinkChannel(LocalAddress address, PeerTrustManager trust) throws IOException {
        ManagedChannel channel = configure(NettyChannelBuilder.forAddress(address), trust)
                .channelType(LocalChannel.class)
                .eventLoopGroup(localGroup)
                .overrideAuthority(CIRCUIT_AUTHORITY)
                .build();
        channels.add(channel);
        return channel;
    }

    DefaultEventLoopGroup localGroup() {
        return localGroup;
    }

    /** Where our link server listens on the local transport. */
    LocalAddress linkServerAddress() {
        return circuitAddress;
    }

    void registerLocalOrigin(LocalAddress local, LocalOrigin origin) {
        localOrigins.put(local, origin);
    }

    void forgetLocalOrigin(LocalAddress local) {
        localOrigins.remove(local);
    }

    Duration helloTimeout() {
        return config.helloTimeout();
    }

    Scheduler loop() {
        return loop;
    }

    boolean isClosed() {
        return closed;
    }

    LinkListener listener() {
        return listener;
    }

    int outboundQueueFrames() {
        return config.outboundQueueFrames();
    }

    void opened(GrpcLink link) {
        links.add(link);
    }

    void finished(GrpcLink link) {
        links.remove(link);
    }

    void released(ManagedChannel channel) {
        channel.shutdownNow();
        channels.remove(channel);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
