package org.parley.crypto;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Ed25519 signatures (RFC 8032) on Bouncy Castle's lightweight API, which is much faster than the
 * JDK's EdDSA on Java 17. Keys travel as their 32-byte encodings.
 */
public final class Ed25519 {
    public static final int PUBLIC_KEY_SIZE = Ed25519PublicKeyParameters.KEY_SIZE;
    public static final int SEED_SIZE = Ed25519PrivateKeyParameters.KEY_SIZE;
    public static final int SIGNATURE_SIZE = Ed25519PrivateKeyParameters.SIGNATURE_SIZE;

    private static final int MAX_DECODED_KEYS = 4096;
    private static final Map<ByteBuffer, Ed25519PublicKeyParameters> DECODED_KEYS = new ConcurrentHashMap<>();

    private Ed25519() {
    }

    /** A fresh 32-byte private key seed. */
    public static byte[] generateSeed(SecureRandom random) {
        byte[] seed = new byte[SEED_SIZE];
        random.nextBytes(seed);
        return seed;
    }

    public static byte[] publicKey(byte[] seed) {
        return new Ed25519PrivateKeyParameters(checkLength(seed, SEED_SIZE, "seed"), 0)
                .generatePublicKey().getEncoded();
    }

    public static byte[] sign(byte[] seed, byte[] message) {
        return new SigningKey(seed).sign(message);
    }

    /**
     * A private key kept ready for signing: its public half, which every signature needs, is
     * derived once rather than at each signature (that derivation costs as much as signing).
     */
    public static final class SigningKey {
        private final Ed25519PrivateKeyParameters key;

        public SigningKey(byte[] seed) {
            key = new Ed25519PrivateKeyParameters(checkLength(seed, SEED_SIZE, "seed"), 0);
            key.generatePublicKey();
        }

        public byte[] sign(byte[] message) {
            Ed25519Signer signer = new Ed25519Signer();
            signer.init(true, key);
            signer.update(message, 0, message.length);
            return signer.generateSignature();
        }
    }

    /** False for a wrong signature and for keys or signatures of the wrong shape; never throws. */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey == null || signature == null || publicKey.length != PUBLIC_KEY_SIZE
                || signature.length != SIGNATURE_SIZE) {
            return false;
        }
        Ed25519PublicKeyParameters key;
        try {
            key = decoded(publicKey);
        } catch (IllegalArgumentException e) {
            return false;
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, key);
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    /**
     * The key as a curve point, decoded at most once while it is in use: decoding (a square root)
     * costs about a sixth of a verification, and a node checks signatures of few keys again and again.
     * Decoded keys are immutable, so threads share them. A flood of fresh keys only empties the cache.
     */
    private static Ed25519PublicKeyParameters decoded(byte[] publicKey) {
        ByteBuffer name = ByteBuffer.wrap(publicKey.clone());
        Ed25519PublicKeyParameters key = DECODED_KEYS.get(name);
        if (key == null) {
            key = new Ed25519PublicKeyParameters(name.array(), 0);
            if (DECODED_KEYS.size() >= MAX_DECODED_KEYS) {
                DECODED_KEYS.clear();
            }
            DECODED_KEYS.put(name, key);
        }
        return key;
    }

    static byte[] checkLength(byte[] bytes, int length, String what) {
        if (bytes == null || bytes.length != length) {
            throw new IllegalArgumentException(what + " must be " + length + " bytes");
        }
        return bytes;
    }
}
