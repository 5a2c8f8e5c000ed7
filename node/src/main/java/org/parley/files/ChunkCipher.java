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

    /**
     * A thread's cipher for opening chunks (decision 0082): looking one up in the providers and
     * expanding the key for every 256 KiB chunk cost more than the JIT compiler had settled by the
     * time a download ran. Decryption may be set up again with any key and nonce.
     */
    private static final ThreadLocal<Cipher> OPENING = ThreadLocal.withInitial(ChunkCipher::newCipher);

    /** A thread's cipher for sealing chunks, and which chunk it sealed last. */
    private static final ThreadLocal<Sealing> SEALING = ThreadLocal.withInitial(Sealing::new);

    private ChunkCipher() {
    }

    public static byte[] seal(byte[] key, byte[] root, int index, byte[] plaintext, int offset, int length) {
        try {
            return SEALING.get().cipher(key, root, index).doFinal(plaintext, offset, length);
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
        return open(key, root, index, sealed, 0, sealed.length);
    }

    /** As {@link #open(byte[], byte[], int, byte[])}, the sealed chunk being {@code length} bytes of {@code sealed} from {@code offset}. */
    public static byte[] open(byte[] key, byte[] root, int index, byte[] sealed, int offset, int length)
            throws ChunkException {
        if (length < TAG_SIZE) {
            throw new ChunkException("sealed chunk is truncated");
        }
        try {
            Cipher cipher = OPENING.get();
            init(cipher, Cipher.DECRYPT_MODE, key, root, index);
            return cipher.doFinal(sealed, offset, length);
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

    /**
     * Sets {@code cipher} up for chunk {@code index}: the nonce is the index, the associated data
     * the domain, the root and the index. Every init replaces the previous key and nonce, so one
     * cipher object serves every chunk a thread seals or opens.
     */
    private static void init(Cipher cipher, int mode, byte[] key, byte[] root, int index)
            throws GeneralSecurityException {
        if (key.length != KEY_SIZE) {
            throw new InvalidKeyException("a file key is " + KEY_SIZE + " bytes");
        }
        byte[] nonce = ByteBuffer.allocate(12).putInt(4, index).array();
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_SIZE * 8, nonce));
        cipher.updateAAD(DOMAIN);
        cipher.updateAAD(root);
        cipher.updateAAD(ByteBuffer.allocate(4).putInt(index).array());
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /**
     * The JCE refuses to encrypt twice in a row under one key and nonce on one cipher object.
     * Here that is by design, not a broken random source: a key seals chunk {@code index} always to
     * the same plaintext (the root fixes it, and holders check a chunk against the tree before
     * sealing it), so the same chunk served twice in a row is the same bytes sealed again, which
     * reveals nothing. Only then is a cipher object of its own taken, and it then serves the
     * thread's next chunks; any other key or index is sealed on the thread's cipher as it is.
     */
    private static final class Sealing {
        private Cipher cipher = newCipher();
        private byte[] lastKey;
        private int lastIndex;

        Cipher cipher(byte[] key, byte[] root, int index) throws GeneralSecurityException {
            if (lastKey != null && lastIndex == index && MessageDigest.isEqual(lastKey, key)) {
                cipher = newCipher();
            }
            lastKey = null;
            init(cipher, Cipher.ENCRYPT_MODE, key, root, index);
            lastKey = key.clone();
            lastIndex = index;
            return cipher;
        }
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
