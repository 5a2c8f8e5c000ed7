package org.parley.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.junit.jupiter.api.Test;
import org.parley.crypto.Aead;

/** Values at rest: each under a key of its own, and rows written by earlier versions still open. */
class ContentCipherTest {
    private static final HexFormat HEX = HexFormat.of();

    /** The content key the two fixtures below were sealed under: bytes 1, 2, ..., 32. */
    private static byte[] fixtureKey() {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i + 1);
        }
        return key;
    }

    /** Sealed by the shared-key format (before per-value keys) for "message:00ff". */
    private static final String SHARED_KEY_ROW = "c71ba62dad6f7ebdb3c28d8f2c487f0a275c97f91312745f980caf1d41a4ad17"
            + "2cdc8b8c72c42a35ac598a19b756ebc2873e435ce300b45619";
    /** Also the shared-key format, but its random nonce begins with the new format's marker byte. */
    private static final String SHARED_KEY_ROW_LOOKING_NEW = "029f02a756f7fe4c6531a92a6d892c091aa5a8a8a12d6107c23655da022c587c"
            + "1f9b69983a0aec15bc4a4095f3d6921bceb56e15e86c";

    private final ContentCipher cipher = new ContentCipher(fixtureKey(), new SecureRandom());

    @Test
    void rowsWrittenBeforePerValueKeysStillOpen() {
        assertEquals("written before per-value keys",
                new String(cipher.open(HEX.parseHex(SHARED_KEY_ROW), "message:00ff"), StandardCharsets.UTF_8));
        assertEquals("older value that looks new",
                new String(cipher.open(HEX.parseHex(SHARED_KEY_ROW_LOOKING_NEW), "message:0102"), StandardCharsets.UTF_8));
        assertThrows(StoreException.class, () -> cipher.open(HEX.parseHex(SHARED_KEY_ROW), "message:0100"));
    }

    @Test
    void eachValueIsSealedUnderAKeyOfItsOwn() {
        byte[] plaintext = "hello".getBytes(StandardCharsets.UTF_8);
        Set<String> salts = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            byte[] sealed = cipher.seal(plaintext, "message:1");
            assertEquals(ContentCipher.PER_VALUE_KEY_FORMAT, sealed[0]);
            assertEquals(plaintext.length + ContentCipher.OVERHEAD, sealed.length);
            salts.add(HEX.formatHex(sealed, 1, 1 + ContentCipher.SALT_SIZE));
            assertArrayEquals(plaintext, cipher.open(sealed, "message:1"));
        }
        assertEquals(100, salts.size());
    }

    @Test
    void theValueKeyIsHkdfExpandOfTheRootWithTheSalt() throws Exception {
        byte[] salt = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
        byte[] nonce = new byte[Aead.NONCE_SIZE];
        Arrays.fill(nonce, (byte) 0x42);
        SecureRandom scripted = new SecureRandom() {
            private int calls;

            @Override
            public void nextBytes(byte[] bytes) {
                System.arraycopy(calls++ == 0 ? salt : nonce, 0, bytes, 0, bytes.length);
            }
        };
        byte[] sealed = new ContentCipher(fixtureKey(), scripted).seal("x".getBytes(StandardCharsets.UTF_8), "c");
        // Computed independently, with Bouncy Castle's HKDF: extract and expand to the root, then
        // expand only (no second extract) with the salt appended to the info.
        byte[] root = hkdf(new HKDFParameters(fixtureKey(), new byte[0],
                "parley-store-content-v2-root".getBytes(StandardCharsets.US_ASCII)));
        byte[] info = new byte[ContentCipher.PER_VALUE_KEY_INFO.length + salt.length];
        System.arraycopy(ContentCipher.PER_VALUE_KEY_INFO, 0, info, 0, ContentCipher.PER_VALUE_KEY_INFO.length);
        System.arraycopy(salt, 0, info, ContentCipher.PER_VALUE_KEY_INFO.length, salt.length);
        byte[] valueKey = hkdf(HKDFParameters.skipExtractParameters(root, info));
        byte[] box = Arrays.copyOfRange(sealed, 1 + ContentCipher.SALT_SIZE, sealed.length);
        assertArrayEquals("x".getBytes(StandardCharsets.UTF_8), Aead.open(valueKey, box, "c".getBytes(StandardCharsets.UTF_8)));
        assertArrayEquals(salt, Arrays.copyOfRange(sealed, 1, 1 + ContentCipher.SALT_SIZE));
    }

    private static byte[] hkdf(HKDFParameters parameters) {
        HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
        generator.init(parameters);
        byte[] out = new byte[32];
        generator.generateBytes(out, 0, out.length);
        return out;
    }

    @Test
    void aStuckRandomSourceStillGivesEveryValueItsOwnKeyOrFails() {
        // Salt and nonce both repeat: the per-value key repeats too, and the AEAD must refuse
        // rather than reuse key and nonce.
        SecureRandom stuck = new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                Arrays.fill(bytes, (byte) 9);
            }
        };
        ContentCipher broken = new ContentCipher(fixtureKey(), stuck);
        broken.seal("one".getBytes(StandardCharsets.UTF_8), "a");
        assertThrows(Aead.NonceReuseException.class, () -> broken.seal("two".getBytes(StandardCharsets.UTF_8), "a"));
    }

    @Test
    void movedTamperedTruncatedOrForeignValuesDoNotOpen() {
        byte[] sealed = cipher.seal("meet at noon".getBytes(StandardCharsets.UTF_8), "message:1");
        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("meet at noon"));
        assertThrows(StoreException.class, () -> cipher.open(sealed, "message:2"));
        for (int i = 0; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 1;
            assertThrows(StoreException.class, () -> cipher.open(tampered, "message:1"), "byte " + i);
        }
        for (int length = 0; length < sealed.length; length++) {
            byte[] truncated = Arrays.copyOf(sealed, length);
            assertThrows(StoreException.class, () -> cipher.open(truncated, "message:1"), "length " + length);
        }
        assertThrows(StoreException.class, () -> cipher.open(null, "message:1"));
        byte[] otherKey = fixtureKey();
        otherKey[31] ^= 1;
        assertThrows(StoreException.class, () -> new ContentCipher(otherKey, new SecureRandom()).open(sealed, "message:1"));
        assertThrows(IllegalArgumentException.class, () -> new ContentCipher(new byte[16], new SecureRandom()));
    }

    @Test
    void theSameValueSealedTwiceLooksDifferent() {
        byte[] one = cipher.seal("same".getBytes(StandardCharsets.UTF_8), "x");
        byte[] two = cipher.seal("same".getBytes(StandardCharsets.UTF_8), "x");
        assertFalse(Arrays.equals(one, two));
        assertNotEquals(HEX.formatHex(one, 1, 17), HEX.formatHex(two, 1, 17));
    }
}
