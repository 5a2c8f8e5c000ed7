package org.parley.files;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals a file's chunks under the file's own key (AES-256-GCM). The nonce is the chunk index: a
 * key seals each index once (the same plaintext every time, since the chunk is fixed by the
 * root), so no nonce ever covers two plaintexts. The associated data is the Merkle root and the
 * index, so a chunk sealed for one position or one file does not open as another.
 */
public final class ChunkCipher {
    public static final int KEY_SIZE = 32;
    public static final int TAG_SIZE = 16;
    private static final byte[] DOMAIN = "parley-file-chunk-v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID_DOMAIN = "parley-file-id-v1".getBytes(StandardCharsets.US_ASCII);

    private ChunkCipher() {
    }

    public static byte[] seal(byte[] key, byte[] root, int index, byte[] plaintext, int offset, int length) {
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, key, root, index);
            return cipher.doFinal(plaintext, offset, length);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /**
     * Opens chunk {@code index} of the file with this key and root.
     *
     * @throws ChunkException when it was sealed under another key, root or index, or altered
     */
    public static byte[] open(byte[] key, byte[] root, int index, byte[] sealed) throws ChunkException {
        if (sealed.length < TAG_SIZE) {
            throw new ChunkException("sealed chunk is truncated");
        }
        try {
            return cipher(Cipher.DECRYPT_MODE, key, root, index).doFinal(sealed);
        } catch (AEADBadTagException e) {
            throw new ChunkException("chunk " + index + " failed authentication");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** What peers call the file: HMAC-SHA256(key, domain || root), known only to holders of the offer. */
    public static byte[] fileId(byte[] key, byte[] root) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(ID_DOMAIN);
            return mac.doFinal(root);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    }

    private static Cipher cipher(int mode, byte[] key, byte[] root, int index) throws GeneralSecurityException {
        if (key.length != KEY_SIZE) {
            throw new InvalidKeyException("a file key is " + KEY_SIZE + " bytes");
        }
        byte[] nonce = ByteBuffer.allocate(12).putInt(4, index).array();
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_SIZE * 8, nonce));
        cipher.updateAAD(DOMAIN);
        cipher.updateAAD(root);
        cipher.updateAAD(ByteBuffer.allocate(4).putInt(index).array());
        return cipher;
    }

    static boolean sameBytes(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    /** A chunk that does not open, or does not match its place in the tree. */
    public static final class ChunkException extends Exception {
        public ChunkException(String message) {
            super(message);
        }
    }
}
