package org.parley.link.tls;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.netty.channel.local.LocalAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.function.Function;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.parley.identity.PeerId;
import org.parley.link.HostPort;

/**
 * Who called, as the TLS handshake proved it: every call the link server takes passes here, and
 * only a call whose one certificate carries a valid identity binding goes on, with the peer ID,
 * where it came from and (inside a circuit) which relay carried it in the call's {@link Context}.
 * A call on the local transport that is not a circuit this node answered is refused: nothing else
 * may reach the link server that way.
 */
final class VerifiedPeer implements ServerInterceptor {
    /** The peer ID the remote end's certificate binding proved. */
    static final Context.Key<PeerId> REMOTE_PEER = Context.key("parley-remote-peer");
    /** Its address as the transport saw it, or "via" the relay for a link inside a circuit. */
    static final Context.Key<String> REMOTE_ADDRESS = Context.key("parley-remote-address");
    /** The relay a circuit came through; absent on a direct connection. */
    static final Context.Key<PeerId> REMOTE_RELAY = Context.key("parley-remote-relay");

    /** The relay behind each local connection that answers a circuit; null for any other. */
    private final Function<LocalAddress, PeerId> answeredCircuits;

    VerifiedPeer(Function<LocalAddress, PeerId> answeredCircuits) {
        this.answeredCircuits = answeredCircuits;
    }

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
        PeerId viaRelay = remote instanceof LocalAddress local ? answeredCircuits.apply(local) : null;
        if (remote instanceof LocalAddress && viaRelay == null) {
            call.close(Status.UNAUTHENTICATED.withDescription("not a circuit we answered"), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        Context context = Context.current().withValues(REMOTE_PEER, peer, REMOTE_ADDRESS,
                viaRelay == null ? describe(remote) : "via " + viaRelay, REMOTE_RELAY, viaRelay);
        return Contexts.interceptCall(context, call, headers, next);
    }

    private static String describe(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return new HostPort(inet.getAddress().getHostAddress(), inet.getPort()).toString();
        }
        return String.valueOf(address);
    }
}
