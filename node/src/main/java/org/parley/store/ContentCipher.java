package org.parley.store;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.parley.crypto.Aead;
import org.parley.crypto.Hkdf;

/**
 * Encrypts what the database holds of value (message bodies, key material) under the profile's
 * content key, which only the passphrase unlocks. Each value is sealed with the place it belongs
 * to ({@code context}, e.g. {@code "message:ID"}) as associated data, so a ciphertext copied to
 * another row does not open there.
 *
 * <p>The content key lives as long as the profile, so one AES-GCM key with random 96-bit nonces
 * would near the birthday bound of its nonces after some 2^32 values. Each value therefore gets a
 * key of its own, derived from the content key and a random 128-bit salt stored in front of it:
 * {@code 0x02 || salt(16) || nonce(12) || ciphertext || tag(16)}. The derivation is HKDF-SHA256
 * whose extract step is done once per profile: the value key is HKDF-Expand(root, info || salt),
 * one HMAC (a couple of microseconds) per value. Values written before this format
 * ({@code nonce || ciphertext || tag} under one derived key) still open.
 */
public final class ContentCipher {
    /** First byte of a value sealed under a key of its own. */
    static final byte PER_VALUE_KEY_FORMAT = 2;
    static final int SALT_SIZE = 16;
    /** Bytes a sealed value adds to its plaintext. */
    public static final int OVERHEAD = 1 + SALT_SIZE + Aead.OVERHEAD;

    private static final byte[] SHARED_KEY_INFO = "parley-store-content-v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PER_VALUE_ROOT_INFO = "parley-store-content-v2-root".getBytes(StandardCharsets.US_ASCII);
    static final byte[] PER_VALUE_KEY_INFO = "parley-store-content-v2".getBytes(StandardCharsets.US_ASCII);

    private static final String HMAC = "HmacSHA256";
    private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(ContentCipher::newMac);

    /** The pseudorandom key that per-value keys are expanded from. */
    private final SecretKeySpec valueKeyRoot;
    /** The one key of values written before per-value keys; only ever opens. */
    private final byte[] sharedKey;
    private final SecureRandom random;

    public ContentCipher(byte[] contentKey, SecureRandom random) {
        if (contentKey.length != Aead.KEY_SIZE) {
            throw new IllegalArgumentException("a content key is " + Aead.KEY_SIZE + " bytes");
        }
        this.valueKeyRoot = new SecretKeySpec(
                Hkdf.derive(contentKey, new byte[0], PER_VALUE_ROOT_INFO, Aead.KEY_SIZE), HMAC);
        this.sharedKey = Hkdf.derive(contentKey, new byte[0], SHARED_KEY_INFO, Aead.KEY_SIZE);
        this.random = random;
    }

    public byte[] seal(byte[] plaintext, String context) {
        byte[] salt = new byte[SALT_SIZE];
        random.nextBytes(salt);
        byte[] box = Aead.seal(valueKey(salt), plaintext, context.getBytes(StandardCharsets.UTF_8), random);
        byte[] sealed = new byte[1 + SALT_SIZE + box.length];
        sealed[0] = PER_VALUE_KEY_FORMAT;
        System.arraycopy(salt, 0, sealed, 1, SALT_SIZE);
        System.arraycopy(box, 0, sealed, 1 + SALT_SIZE, box.length);
        return sealed;
    }

    /**
     * Opens a value sealed for {@code context}.
     *
     * @throws StoreException when it was altered, moved, or sealed under another key
     */
    public byte[] open(byte[] sealed, String context) {
        byte[] associatedData = context.getBytes(StandardCharsets.UTF_8);
        if (sealed != null && sealed.length >= OVERHEAD && sealed[0] == PER_VALUE_KEY_FORMAT) {
            byte[] salt = Arrays.copyOfRange(sealed, 1, 1 + SALT_SIZE);
            try {
                return Aead.open(valueKey(salt), Arrays.copyOfRange(sealed, 1 + SALT_SIZE, sealed.length), associatedData);
            } catch (Aead.AeadException e) {
                // One older value in 256 starts with this byte by chance (its random nonce does):
                // it is tried under the shared key below. Authentication decides; nothing is guessed.
            }
        }
        try {
            return Aead.open(sharedKey, sealed, associatedData);
        } catch (Aead.AeadException e) {
            throw new StoreException("stored data for " + context + " does not decrypt (damaged or not ours)", e);
        }
    }

    /** HKDF-Expand(root, info || salt, 32): a single HMAC block, the counter byte being 1. */
    private byte[] valueKey(byte[] salt) {
        Mac mac = MACS.get();
        try {
            mac.init(valueKeyRoot);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 refused a 32-byte key", e);
        }
        mac.update(PER_VALUE_KEY_INFO);
        mac.update(salt);
        mac.update((byte) 1);
        return mac.doFinal();
    }

    private static Mac newMac() {
        try {
            return Mac.getInstance(HMAC);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has HMAC-SHA256", e);
        }
    }
}
