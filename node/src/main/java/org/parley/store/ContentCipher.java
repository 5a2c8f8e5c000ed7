package org.parley.store;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.parley.crypto.Aead;
import org.parley.crypto.Hkdf;

/**
 * Encrypts what the database holds of value (message bodies, key material) under the profile's
 * content key, which only the passphrase unlocks. Each value is sealed with the place it belongs
 * to ({@code context}, e.g. {@code "message:ID"}) as associated data, so a ciphertext copied to
 * another row does not open there.
 */
public final class ContentCipher {
    private static final byte[] INFO = "parley-store-content-v1".getBytes(StandardCharsets.US_ASCII);

    private final byte[] key;
    private final SecureRandom random;

    public ContentCipher(byte[] contentKey, SecureRandom random) {
        if (contentKey.length != Aead.KEY_SIZE) {
            throw new IllegalArgumentException("a content key is " + Aead.KEY_SIZE + " bytes");
        }
        this.key = Hkdf.derive(contentKey, new byte[0], INFO, Aead.KEY_SIZE);
        this.random = random;
    }

    public byte[] seal(byte[] plaintext, String context) {
        return Aead.seal(key, plaintext, context.getBytes(StandardCharsets.UTF_8), random);
    }

    /**
     * Opens a value sealed for {@code context}.
     *
     * @throws StoreException when it was altered, moved, or sealed under another key
     */
    public byte[] open(byte[] sealed, String context) {
        try {
            return Aead.open(key, sealed, context.getBytes(StandardCharsets.UTF_8));
        } catch (Aead.AeadException e) {
            throw new StoreException("stored data for " + context + " does not decrypt (damaged or not ours)", e);
        }
    }
}
