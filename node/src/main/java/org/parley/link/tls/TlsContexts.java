package org.parley.link.tls;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import javax.net.ssl.SSLException;

/**
 * TLS 1.3 only, mutual authentication required, trust decided by {@link PeerTrustManager}. The
 * JDK's TLS stack, so no native library is needed.
 */
final class TlsContexts {
    private static final String TLS_13 = "TLSv1.3";

    private TlsContexts() {
    }

    static SslContext server(OwnKeyManager ownKey) throws SSLException {
        return GrpcSslContexts.configure(SslContextBuilder.forServer(ownKey), SslProvider.JDK)
                .protocols(TLS_13)
                .clientAuth(ClientAuth.REQUIRE)
                .trustManager(new PeerTrustManager(java.util.Optional.empty()))
                .build();
    }

    static SslContext client(OwnKeyManager ownKey, PeerTrustManager trust) throws SSLException {
        return GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
                .keyManager(ownKey)
                .protocols(TLS_13)
                .trustManager(trust)
                .build();
    }
}
