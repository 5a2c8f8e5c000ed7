package org.parley.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every vector of Wycheproof's Ed25519, X25519, AES-GCM and HKDF-SHA256 files, run through Parley's
 * own classes (not the library beneath them), with each vector's expected result asserted:
 * {@code valid} must be accepted with the expected output, {@code invalid} refused, and
 * {@code acceptable} either, except that an all-zero X25519 secret must never come out.
 */
class WycheproofVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    @TestFactory
    List<DynamicTest> ed25519() {
        JsonObject file = load("ed25519_test.json");
        return each(file, (group, test) -> {
            byte[] publicKey = hex(group.getAsJsonObject("publicKey"), "pk");
            boolean verified = Ed25519.verify(publicKey, hex(test, "msg"), hex(test, "sig"));
            switch (result(test)) {
                case "valid" -> assertTrue(verified, "a valid signature is refused");
                case "invalid" -> assertFalse(verified, "an invalid signature is accepted");
                default -> fail("Ed25519 vectors are valid or invalid");
            }
        });
    }

    @TestFactory
    List<DynamicTest> x25519() {
        JsonObject file = load("x25519_test.json");
        return each(file, (group, test) -> {
            assertEquals("curve25519", group.get("curve").getAsString());
            byte[] expected = hex(test, "shared");
            boolean zero = Arrays.equals(expected, new byte[X25519.KEY_SIZE]);
            byte[] shared;
            try {
                shared = X25519.agree(hex(test, "private"), hex(test, "public"));
            } catch (IllegalArgumentException refused) {
                // Refusing is required for an all-zero result (a low-order point, all "acceptable"
                // vectors); any other input, valid or acceptable, must give the expected secret.
                assertTrue(zero, "refused although the secret is not all zero");
                return;
            }
            assertFalse(zero, "an all-zero shared secret came out (low-order public key)");
            assertArrayEquals(expected, shared);
        });
    }

    @TestFactory
    List<DynamicTest> aesGcm() {
        JsonObject file = load("aes_gcm_test.json");
        return each(file, (group, test) -> {
            int keyBits = group.get("keySize").getAsInt();
            int nonceBits = group.get("ivSize").getAsInt();
            assertEquals(Aead.TAG_SIZE * 8, group.get("tagSize").getAsInt());
            byte[] key = hex(test, "key");
            byte[] nonce = hex(test, "iv");
            byte[] box = concat(nonce, hex(test, "ct"), hex(test, "tag"));
            byte[] associatedData = hex(test, "aad");
            if (keyBits != Aead.KEY_SIZE * 8) {
                // Parley uses AES-256 only: a shorter key must be refused, never used (a box too
                // short to hold a nonce and tag is refused before the key is looked at).
                assertThrows(IllegalArgumentException.class,
                        () -> Aead.seal(key, hex(test, "msg"), associatedData, new SecureRandom()));
                Exception refused = assertThrows(Exception.class, () -> Aead.open(key, box, associatedData));
                assertTrue(refused instanceof IllegalArgumentException || refused instanceof Aead.AeadException,
                        refused.toString());
                return;
            }
            if (nonceBits != Aead.NONCE_SIZE * 8) {
                // A box's nonce is always its first 12 bytes: a ciphertext made with a nonce of
                // another length must not open as anything.
                assertThrows(Aead.AeadException.class, () -> Aead.open(key, box, associatedData));
                return;
            }
            switch (result(test)) {
                case "valid" -> {
                    byte[] message = hex(test, "msg");
                    assertArrayEquals(message, open(key, box, associatedData));
                    SecureRandom givesTheVectorsNonce = new SecureRandom() {
                        @Override
                        public void nextBytes(byte[] bytes) {
                            System.arraycopy(nonce, 0, bytes, 0, bytes.length);
                        }
                    };
                    assertArrayEquals(box, Aead.seal(key, message, associatedData, givesTheVectorsNonce));
                }
                case "invalid" -> assertThrows(Aead.AeadException.class, () -> Aead.open(key, box, associatedData));
                default -> fail("AES-GCM vectors are valid or invalid");
            }
        });
    }

    @TestFactory
    List<DynamicTest> hkdfSha256() {
        JsonObject file = load("hkdf_sha256_test.json");
        return each(file, (group, test) -> {
            byte[] ikm = hex(test, "ikm");
            byte[] salt = hex(test, "salt");
            byte[] info = hex(test, "info");
            int size = test.get("size").getAsInt();
            switch (result(test)) {
                case "valid" -> assertArrayEquals(hex(test, "okm"), Hkdf.derive(ikm, salt, info, size));
                case "invalid" -> assertThrows(IllegalArgumentException.class, () -> Hkdf.derive(ikm, salt, info, size));
                default -> fail("HKDF vectors are valid or invalid");
            }
        });
    }

    /** One dynamic test per vector; the count must match the file's own, so none is skipped. */
    private static List<DynamicTest> each(JsonObject file, BiConsumer<JsonObject, JsonObject> check) {
        List<DynamicTest> tests = new ArrayList<>();
        for (var groupElement : file.getAsJsonArray("testGroups")) {
            JsonObject group = groupElement.getAsJsonObject();
            for (var testElement : group.getAsJsonArray("tests")) {
                JsonObject test = testElement.getAsJsonObject();
                String name = "tcId " + test.get("tcId").getAsInt() + " (" + result(test) + ") "
                        + test.get("comment").getAsString();
                tests.add(DynamicTest.dynamicTest(name, () -> check.accept(group, test)));
            }
        }
        assertEquals(file.get("numberOfTests").getAsInt(), tests.size());
        return tests;
    }

    private static byte[] open(byte[] key, byte[] box, byte[] associatedData) {
        try {
            return Aead.open(key, box, associatedData);
        } catch (Aead.AeadException e) {
            throw new AssertionError("a valid box does not open", e);
        }
    }

    private static String result(JsonObject test) {
        return test.get("result").getAsString();
    }

    private static byte[] hex(JsonObject object, String field) {
        return HEX.parseHex(object.get(field).getAsString());
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    static JsonObject load(String name) {
        String path = "/vectors/wycheproof/" + name;
        try (InputStream in = WycheproofVectorsTest.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
