package org.parley.link.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.parley.identity.PeerId;

/**
 * Accepts exactly the certificates that prove a peer ID (see {@link CertificateBinding}), on both
 * ends of a link. Given an expected peer, it also refuses every other identity, which is how
 * {@code PEERID@host:port} is enforced during the handshake itself. Host names play no part:
 * peer IDs are the identities. Being an {@link X509ExtendedTrustManager}, it is not wrapped in the
 * JDK's host-name checks.
 */
final class PeerTrustManager extends X509ExtendedTrustManager {
    private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

    private final Optional<PeerId> expected;
    private volatile PeerId verified;

    PeerTrustManager(Optional<PeerId> expected) {
        this.expected = expected;
    }

    /** The peer the last successful handshake proved; null before one. */
    PeerId verifiedPeer() {
        return verified;
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length != 1) {
            throw new CertificateException("expected exactly one self-signed certificate");
        }
        PeerId peer = CertificateBinding.verify(chain[0]);
        if (expected.isPresent() && !expected.get().equals(peer)) {
            throw new CertificateException("expected peer " + expected.get() + " but reached " + peer);
        }
        verified = peer;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return NO_ISSUERS;
    }
}
