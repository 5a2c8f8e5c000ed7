package org.parley.link.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents this node's one certificate and its key in every handshake, as server and as client.
 *
 * <p>Given a key and certificate instead, Netty builds a password-protected PKCS#12 key store and
 * a key manager factory for every TLS context: thousands of PBKDF2 rounds each time, once at
 * start and again for every dial (a client context is built per dial, since each trusts only the
 * peer it dials). Handing it this key manager skips all of that.
 */
final class OwnKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "parley";

    private final PrivateKey key;
    private final X509Certificate[] chain;

    OwnKeyManager(CertificateBinding.Credentials credentials) {
        this.key = credentials.privateKey();
        this.chain = new X509Certificate[] {credentials.certificate()};
    }

    /** Only for the kind of key we hold (the TLS stack asks once per signature algorithm it could use). */
    private boolean holds(String keyType) {
        return key.getAlgorithm().equals(keyType);
    }

    private String aliasFor(String... keyTypes) {
        return keyTypes != null && Arrays.stream(keyTypes).anyMatch(this::holds) ? ALIAS : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return holds(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return holds(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return aliasFor(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyTypes);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return aliasFor(keyType);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyType);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? key : null;
    }
}
