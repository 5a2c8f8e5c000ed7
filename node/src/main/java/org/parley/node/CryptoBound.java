package org.parley.node;

import java.security.SecureRandom;
import org.parley.crypto.Aead;
import org.parley.crypto.Ed25519;

/**
 * The benchmarks' bound: per item, the cryptography no implementation can skip, on one thread —
 * one Ed25519 signature, then the given number of verifications, AES-GCM seals and opens. Measured
 * in the same run as the figure it bounds, since the machine may be shared and noisy.
 */
final class CryptoBound {
    private CryptoBound() {
    }

    /** Items per second; every item's body is {@code bodyBytes} long. */
    static double perSecond(SecureRandom random, int bodyBytes, int verifications, int seals, int opens, int count) {
        if (seals < 1) {
            throw new IllegalArgumentException("an item is sealed at least once");
        }
        byte[] seed = Ed25519.generateSeed(random);
        byte[] publicKey = Ed25519.publicKey(seed);
        Ed25519.SigningKey signingKey = new Ed25519.SigningKey(seed);
        byte[] key = new byte[Aead.KEY_SIZE];
        random.nextBytes(key);
        byte[] body = new byte[bodyBytes];
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            body[0] = (byte) i;
            byte[] sealed = Aead.seal(key, body, new byte[0], random);
            byte[] signature = signingKey.sign(sealed);
            for (int v = 0; v < verifications; v++) {
                if (!Ed25519.verify(publicKey, sealed, signature)) {
                    throw new IllegalStateException("signature failed");
                }
            }
            for (int s = 1; s < seals; s++) {
                Aead.seal(key, body, new byte[0], random);
            }
            try {
                for (int o = 0; o < opens; o++) {
                    Aead.open(key, sealed, new byte[0]);
                }
            } catch (Aead.AeadException e) {
                throw new IllegalStateException(e);
            }
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }
}
