package org.parley.crypto;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/** X25519 key agreement (RFC 7748) on Bouncy Castle's lightweight API. */
public final class X25519 {
    public static final int KEY_SIZE = X25519PrivateKeyParameters.KEY_SIZE;

    private X25519() {
    }

    /** The field prime of Curve25519 and edwards25519, 2^255 - 19. */
    private static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));

    /**
     * The X25519 public key of the same scalar as an Ed25519 public key: the Montgomery u of the
     * Edwards point, u = (1 + y) / (1 - y) mod p (RFC 7748, section 4.1). This lets a peer's ID,
     * which is its Ed25519 key, serve as a key to agree with; the sign of x is irrelevant to u.
     *
     * @throws IllegalArgumentException when the key is not 32 bytes or y = 1 (no Montgomery point)
     */
    public static byte[] fromEd25519PublicKey(byte[] edwardsPublicKey) {
        byte[] littleEndian = Ed25519.checkLength(edwardsPublicKey, KEY_SIZE, "public key").clone();
        littleEndian[31] &= 0x7f;
        BigInteger y = new BigInteger(1, reversed(littleEndian));
        if (y.compareTo(P) >= 0 || y.equals(BigInteger.ONE)) {
            throw new IllegalArgumentException("not an Edwards point with a Montgomery form");
        }
        BigInteger u = BigInteger.ONE.add(y).multiply(BigInteger.ONE.subtract(y).mod(P).modInverse(P)).mod(P);
        byte[] bigEndian = u.toByteArray();
        byte[] out = new byte[KEY_SIZE];
        for (int i = 0; i < Math.min(bigEndian.length, KEY_SIZE); i++) {
            out[i] = bigEndian[bigEndian.length - 1 - i];
        }
        return out;
    }

    /**
     * The X25519 private key with the scalar of an Ed25519 seed: the first half of SHA-512 of the
     * seed, which X25519 clamps as Ed25519 does. {@link #publicKey} of it equals
     * {@link #fromEd25519PublicKey} of the seed's public key.
     */
    public static byte[] fromEd25519Seed(byte[] seed) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-512").digest(Ed25519.checkLength(seed, KEY_SIZE, "seed"));
            return Arrays.copyOf(hash, KEY_SIZE);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-512", e);
        }
    }

    private static byte[] reversed(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[bytes.length - 1 - i];
        }
        return out;
    }

    public static byte[] generatePrivateKey(SecureRandom random) {
        return new X25519PrivateKeyParameters(random).getEncoded();
    }

    public static byte[] publicKey(byte[] privateKey) {
        return new X25519PrivateKeyParameters(Ed25519.checkLength(privateKey, KEY_SIZE, "private key"), 0)
                .generatePublicKey().getEncoded();
    }

    /**
     * The shared secret of {@code privateKey} and {@code peerPublicKey}.
     *
     * @throws IllegalArgumentException when the peer key is malformed or a low-order point (all-zero
     *     result), which a contributory exchange must refuse
     */
    public static byte[] agree(byte[] privateKey, byte[] peerPublicKey) {
        X25519PrivateKeyParameters own =
                new X25519PrivateKeyParameters(Ed25519.checkLength(privateKey, KEY_SIZE, "private key"), 0);
        X25519PublicKeyParameters peer =
                new X25519PublicKeyParameters(Ed25519.checkLength(peerPublicKey, KEY_SIZE, "public key"), 0);
        byte[] secret = new byte[KEY_SIZE];
        try {
            own.generateSecret(peer, secret, 0);
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("peer public key is a low-order point", e);
        }
        return secret;
    }
}
