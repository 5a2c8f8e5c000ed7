package org.parley.crypto;

import java.security.SecureRandom;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/** X25519 key agreement (RFC 7748) on Bouncy Castle's lightweight API. */
public final class X25519 {
    public static final int KEY_SIZE = X25519PrivateKeyParameters.KEY_SIZE;

    private X25519() {
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
