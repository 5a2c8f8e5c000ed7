package org.parley.link.tls;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.Direction;
import org.parley.link.HostPort;
import org.parley.link.LinkConfig;
import org.parley.link.LinkListener;
import org.parley.link.Network;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.LinkServiceGrpc;
import org.parley.runtime.Scheduler;

/**
 * The real {@link Network}: gRPC (Netty) over mutual TLS 1.3, one {@code LinkService.Link} stream
 * per link. It serves the stream for peers that dial us and opens one channel per dial. Links are
 * reported only once the handshake has proved the remote peer ID. gRPC's threads only hand events
 * to the node's loop.
 */
public final class TlsGrpcNetwork implements Network {
    private static final Logger LOG = Logger.getLogger(TlsGrpcNetwork.class.getName());
    private static final Context.Key<PeerId> REMOTE_PEER = Context.key("parley-remote-peer");
    private static final Context.Key<String> REMOTE_ADDRESS = Context.key("parley-remote-address");
    /** One link stream per connection is the protocol; a few more leave room for a racing redial. */
    private static final int MAX_STREAMS_PER_CONNECTION = 4;
    private static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(20);
    /** gRPC refuses client keepalive more often than this anyway. */
    private static final Duration MIN_KEEPALIVE = Duration.ofSeconds(10);

    private final Identity identity;
    private final HostPort listen;
    private final LinkConfig config;
    private final Scheduler loop;
    private final CertificateBinding.Credentials credentials;
    private final Set<GrpcLink> links = ConcurrentHashMap.newKeySet();
    private final Set<ManagedChannel> channels = ConcurrentHashMap.newKeySet();
    private volatile LinkListener listener;
    private volatile Server server;
    private volatile boolean closed;

    public TlsGrpcNetwork(Identity identity, HostPort listen, LinkConfig config, Scheduler loop) {
        this(identity, listen, config, loop, CertificateBinding.create(identity));
    }

    /** With given credentials: tests use it to present forged certificates. */
    TlsGrpcNetwork(Identity identity, HostPort listen, LinkConfig config, Scheduler loop,
                   CertificateBinding.Credentials credentials) {
        this.identity = identity;
        this.listen = listen;
        this.config = config;
        this.loop = loop;
        this.credentials = credentials;
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
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress(listen.host(), listen.port()))
                    .sslContext(TlsContexts.server(credentials))
                    .directExecutor()
                    .maxInboundMessageSize(config.maxFrameBytes())
                    .maxConcurrentCallsPerConnection(MAX_STREAMS_PER_CONNECTION)
                    .keepAliveTime(keepAlive.toMillis(), TimeUnit.MILLISECONDS)
                    .keepAliveTimeout(KEEPALIVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .permitKeepAliveTime(MIN_KEEPALIVE.toMillis() / 2, TimeUnit.MILLISECONDS)
                    .permitKeepAliveWithoutCalls(true)
                    .handshakeTimeout(config.helloTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .addService(ServerInterceptors.intercept(new LinkEndpoint(), new VerifiedPeer()))
                    .build()
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage() == null ? "cannot bind " + listen : e.getMessage(), e);
        }
        LOG.info(() -> "accepting TLS links on " + listenAddresses() + " as " + identity.peerId().shortForm());
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
        PeerTrustManager trust = new PeerTrustManager(target.expectedPeer());
        ManagedChannel channel;
        try {
            Duration keepAlive = max(config.keepAlive(), MIN_KEEPALIVE);
            channel = NettyChannelBuilder.forAddress(target.address().host(), target.address().port())
                    .sslContext(TlsContexts.client(credentials, trust))
                    .directExecutor()
                    .maxInboundMessageSize(config.maxFrameBytes())
                    .keepAliveTime(keepAlive.toMillis(), TimeUnit.MILLISECONDS)
                    .keepAliveTimeout(KEEPALIVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .keepAliveWithoutCalls(true)
                    // One attempt per dial: the link layer owns retries and their backoff.
                    .disableRetry()
                    .build();
        } catch (IOException | RuntimeException e) {
            loop.execute(() -> listener.dialFailed(target, "cannot set up TLS: " + e.getMessage()));
            return;
        }
        channels.add(channel);
        OutboundDial dial = new OutboundDial(target, trust, channel, this);
        dial.watchdog = loop.schedule(config.helloTimeout(), dial::timedOut);
        LinkServiceGrpc.newStub(channel).link(dial);
    }

    @Override
    public void close() {
        closed = true;
        Server running = server;
        if (running != null) {
            running.shutdownNow();
        }
        links.forEach(link -> link.close("network closed"));
        channels.forEach(ManagedChannel::shutdownNow);
        channels.clear();
    }

    Scheduler loop() {
        return loop;
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

    /** Takes the verified peer ID from the TLS session, or refuses the call. */
    private static final class VerifiedPeer implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                          ServerCallHandler<Q, R> next) {
            SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
            PeerId peer;
            try {
                if (session == null) {
                    throw new SSLPeerUnverifiedException("no TLS session");
                }
                Certificate[] chain = session.getPeerCertificates();
                if (chain.length != 1 || !(chain[0] instanceof X509Certificate certificate)) {
                    throw new SSLPeerUnverifiedException("expected one X.509 certificate");
                }
                peer = CertificateBinding.verify(certificate);
            } catch (SSLPeerUnverifiedException | CertificateException e) {
                call.close(Status.UNAUTHENTICATED.withDescription("peer identity not proved"), new Metadata());
                return new ServerCall.Listener<>() {
                };
            }
            SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
            Context context = Context.current().withValues(REMOTE_PEER, peer, REMOTE_ADDRESS, describe(remote));
            return Contexts.interceptCall(context, call, headers, next);
        }

        private static String describe(SocketAddress address) {
            if (address instanceof InetSocketAddress inet) {
                return new HostPort(inet.getAddress().getHostAddress(), inet.getPort()).toString();
            }
            return String.valueOf(address);
        }
    }

    /** Serves the stream of a peer that dialed us. */
    private final class LinkEndpoint extends LinkServiceGrpc.LinkServiceImplBase {
        @Override
        public StreamObserver<Frame> link(StreamObserver<Frame> responses) {
            ServerCallStreamObserver<Frame> outbound = (ServerCallStreamObserver<Frame>) responses;
            outbound.disableAutoRequest();
            GrpcLink link = new GrpcLink(REMOTE_PEER.get(), Direction.INBOUND, REMOTE_ADDRESS.get(), Optional.empty(),
                    loop, listener, config.outboundQueueFrames(), TlsGrpcNetwork.this::finished);
            link.attach(outbound, reason -> {
                try {
                    outbound.onError(Status.UNAVAILABLE.withDescription(reason).asRuntimeException());
                } catch (RuntimeException alreadyClosed) {
                    LOG.fine(() -> "closing a finished inbound stream: " + alreadyClosed);
                }
            });
            outbound.setOnReadyHandler(link::drain);
            outbound.setOnCancelHandler(() -> link.ended("peer went away"));
            opened(link);
            if (closed) {
                link.close("network closed");
            } else {
                loop.execute(() -> listener.linkUp(link));
                outbound.request(GrpcLink.INBOUND_WINDOW);
            }
            return new StreamObserver<>() {
                @Override
                public void onNext(Frame frame) {
                    link.received(frame);
                }

                @Override
                public void onError(Throwable error) {
                    link.ended(Status.fromThrowable(error).toString());
                }

                @Override
                public void onCompleted() {
                    link.ended("peer closed the link");
                }
            };
        }
    }
}
