package org.parley.link.tls;

import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2SecurityUtil;
import io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolConfig;
import io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolNames;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.JdkSslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.security.GeneralSecurityException;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;

/**
 * TLS 1.3 only, mutual authentication required, trust decided by {@link PeerTrustManager}. The
 * JDK's TLS stack, so no native library is needed.
 *
 * <p>The JDK context is made here and handed to Netty as it is, with what gRPC needs of it (HTTP/2
 * by ALPN, its cipher list): Netty's own builder would first run a one-time self-check (a key
 * store made from a key it parses with Bouncy Castle) and gRPC's a probe for ALPN support, which
 * together were a third of a daemon's start.
 */
final class TlsContexts {
    private static final String TLS_13 = "TLSv1.3";
    private static final ApplicationProtocolConfig HTTP_2 = new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_2);

    private TlsContexts() {
    }

    static SslContext server(OwnKeyManager ownKey) throws SSLException {
        return netty(jdk(ownKey, new PeerTrustManager(Optional.empty())), false, ClientAuth.REQUIRE);
    }

    static SslContext client(OwnKeyManager ownKey, PeerTrustManager trust) throws SSLException {
        return netty(jdk(ownKey, trust), true, ClientAuth.NONE);
    }

    private static SSLContext jdk(OwnKeyManager ownKey, PeerTrustManager trust) throws SSLException {
        try {
            SSLContext context = SSLContext.getInstance(TLS_13);
            context.init(new KeyManager[] {ownKey}, new TrustManager[] {trust}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new SSLException("cannot set up TLS 1.3: " + e.getMessage(), e);
        }
    }

    private static SslContext netty(SSLContext context, boolean client, ClientAuth auth) {
        return new JdkSslContext(context, client, Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE,
                HTTP_2, auth, new String[] {TLS_13}, false);
    }
}
