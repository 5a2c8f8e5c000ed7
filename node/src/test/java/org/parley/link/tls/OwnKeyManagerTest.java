package org.parley.link.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;

class OwnKeyManagerTest {
    private final CertificateBinding.Credentials credentials =
            CertificateBinding.create(Identity.generate("ada", new SecureRandom()));
    private final OwnKeyManager keys = new OwnKeyManager(credentials);
    private final String keyType = credentials.privateKey().getAlgorithm();

    @Test
    void offersTheOneCertificateAndKeyForItsKindOfKey() {
        String server = keys.chooseEngineServerAlias(keyType, null, null);
        String client = keys.chooseEngineClientAlias(new String[] {"RSA", keyType}, null, null);
        assertEquals(server, client);
        assertArrayEquals(new X509Certificate[] {credentials.certificate()}, keys.getCertificateChain(server));
        assertEquals(credentials.privateKey(), keys.getPrivateKey(server));
        assertArrayEquals(new String[] {server}, keys.getServerAliases(keyType, null));
        assertArrayEquals(new String[] {client}, keys.getClientAliases(keyType, null));
    }

    @Test
    void offersNothingForAnotherKindOfKeyOrAnotherAlias() {
        assertNull(keys.chooseEngineServerAlias("RSA", null, null), "the TLS stack asks per signature algorithm");
        assertNull(keys.chooseEngineClientAlias(new String[] {"RSA", "EdDSA"}, null, null));
        assertNull(keys.chooseEngineClientAlias(null, null, null));
        assertNull(keys.getServerAliases("RSA", null));
        assertNull(keys.getCertificateChain("someone else"));
        assertNull(keys.getPrivateKey("someone else"));
    }

    @Test
    void aCallerCannotChangeTheChainItIsGiven() {
        String alias = keys.chooseServerAlias(keyType, null, null);
        X509Certificate[] chain = keys.getCertificateChain(alias);
        chain[0] = null;
        assertNotSame(chain, keys.getCertificateChain(alias));
        assertEquals(credentials.certificate(), keys.getCertificateChain(alias)[0]);
    }
}
