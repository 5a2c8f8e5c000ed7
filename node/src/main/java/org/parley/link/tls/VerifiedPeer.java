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
 * where it came from and (on the local transport) its {@link LocalOrigin} in the call's
 * {@link Context}. A call on the local transport that is not a connection this node opened (a
 * circuit it answered, a punched connection) is refused: nothing else may reach the link server
 * that way; on a punched connection, only the peer punched to may prove itself.
 */
final class VerifiedPeer implements ServerInterceptor {
    /** The peer ID the remote end's certificate binding proved. */
    static final Context.Key<PeerId> REMOTE_PEER = Context.key("parley-remote-peer");
    /** Its address as the transport saw it, or "via" the relay for a link inside a circuit. */
    static final Context.Key<String> REMOTE_ADDRESS = Context.key("parley-remote-address");
    /** Where a connection on the local transport really comes from; absent on a direct connection. */
    static final Context.Key<LocalOrigin> REMOTE_ORIGIN = Context.key("parley-remote-origin");

    /** The origin of each local connection this node opened; null for any other. */
    private final Function<LocalAddress, LocalOrigin> localOrigins;

    VerifiedPeer(Function<LocalAddress, LocalOrigin> localOrigins) {
        this.localOrigins = localOrigins;
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
        LocalOrigin origin = remote instanceof LocalAddress local ? localOrigins.apply(local) : null;
        if (remote instanceof LocalAddress && origin == null) {
            call.close(Status.UNAUTHENTICATED.withDescription("not a connection we opened"), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        if (origin != null && origin.expectedPeer().filter(expected -> !expected.equals(peer)).isPresent()) {
            call.close(Status.UNAUTHENTICATED.withDescription("expected " + origin.expectedPeer().get()
                    + " but reached " + peer), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        if (origin != null) {
            origin.linked().set(true);
        }
        Context context = Context.current().withValues(REMOTE_PEER, peer, REMOTE_ADDRESS,
                origin == null ? describe(remote) : origin.remoteAddress(), REMOTE_ORIGIN, origin);
        return Contexts.interceptCall(context, call, headers, next);
    }

    private static String describe(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return new HostPort(inet.getAddress().getHostAddress(), inet.getPort()).toString();
        }
        return String.valueOf(address);
    }
}
