package org.parley.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM through the JCE, whose intrinsics make it far faster than Bouncy Castle's for small
 * payloads. A sealed box is {@code nonce(12) || ciphertext || tag(16)} with a random nonce, so a
 * key may seal about 2^32 messages before nonce reuse becomes a risk; callers rotate long before.
 */
public final class Aead {
    public static final int KEY_SIZE = 32;
    public static final int NONCE_SIZE = 12;
    public static final int TAG_SIZE = 16;
    /** Bytes a sealed box adds to its plaintext. */
    public static final int OVERHEAD = NONCE_SIZE + TAG_SIZE;

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(Aead::newCipher);

    private Aead() {
    }

    public static byte[] seal(byte[] key, byte[] plaintext, byte[] associatedData, SecureRandom random) {
        byte[] nonce = new byte[NONCE_SIZE];
        random.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, key, nonce);
            cipher.updateAAD(associatedData);
            byte[] box = new byte[NONCE_SIZE + cipher.getOutputSize(plaintext.length)];
            System.arraycopy(nonce, 0, box, 0, NONCE_SIZE);
            cipher.doFinal(plaintext, 0, plaintext.length, box, NONCE_SIZE);
            return box;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /**
     * Opens a box made by {@link #seal}.
     *
     * @throws AeadException when the box is too short, was sealed under another key or associated
     *     data, or was altered in any bit
     */
    public static byte[] open(byte[] key, byte[] box, byte[] associatedData) throws AeadException {
        if (box == null || box.length < OVERHEAD) {
            throw new AeadException("sealed data is truncated");
        }
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, java.util.Arrays.copyOf(box, NONCE_SIZE));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(box, NONCE_SIZE, box.length - NONCE_SIZE);
        } catch (AEADBadTagException e) {
            throw new AeadException("sealed data failed authentication");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /**
     * A cipher of this thread's, initialised afresh: looking one up in the providers costs more
     * than sealing a short message, and every init replaces the previous key and nonce.
     */
    private static Cipher cipher(int mode, byte[] key, byte[] nonce) throws GeneralSecurityException {
        SecretKeySpec spec = new SecretKeySpec(Ed25519.checkLength(key, KEY_SIZE, "key"), "AES");
        GCMParameterSpec parameters = new GCMParameterSpec(TAG_SIZE * 8, nonce);
        Cipher cipher = CIPHERS.get();
        try {
            cipher.init(mode, spec, parameters);
        } catch (InvalidAlgorithmParameterException e) {
            // The JCE refuses to encrypt twice in a row under one key and nonce. A random nonce
            // repeats by a chance of 2^-96, so a repeat means the random source is broken; sealing
            // anyway would hand out the key stream and the authentication key. The cipher object
            // is dropped, as a failed init may leave it half set.
            CIPHERS.remove();
            throw new NonceReuseException(e);
        }
        return cipher;
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance(TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /**
     * A seal was asked for under a key and nonce that were just used: the random source repeats,
     * and no box may be made with it.
     */
    public static final class NonceReuseException extends IllegalStateException {
        NonceReuseException(Throwable cause) {
            super("AES-GCM refused a repeated key and nonce: the random source is broken", cause);
        }
    }

    /** Sealed data could not be opened: wrong key, wrong context, or tampering. */
    public static final class AeadException extends Exception {
        public AeadException(String message) {
            super(message);
        }
    }
}
