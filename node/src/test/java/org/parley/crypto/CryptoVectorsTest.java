package org.parley.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The primitives against their RFCs' published vectors (RFC 8032, 7748, 5869), and against
 * tampering; {@link WycheproofVectorsTest} adds Wycheproof's edge cases.
 */
class CryptoVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    /** RFC 8032 section 7.1, all five Ed25519 vectors: key derivation, signing and verifying. */
    @Test
    void ed25519Rfc8032AllFiveVectors() throws Exception {
        JsonObject file;
        try (InputStream in = CryptoVectorsTest.class.getResourceAsStream("/vectors/rfc8032_ed25519.json")) {
            file = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        }
        JsonArray cases = file.getAsJsonArray("cases");
        assertEquals(5, cases.size());
        for (var element : cases) {
            JsonObject vector = element.getAsJsonObject();
            String name = vector.get("name").getAsString();
            byte[] seed = HEX.parseHex(vector.get("secret").getAsString());
            byte[] publicKey = HEX.parseHex(vector.get("public").getAsString());
            byte[] message = HEX.parseHex(vector.get("message").getAsString());
            byte[] signature = HEX.parseHex(vector.get("signature").getAsString());
            assertArrayEquals(publicKey, Ed25519.publicKey(seed), name);
            assertArrayEquals(signature, Ed25519.sign(seed, message), name);
            assertArrayEquals(signature, new Ed25519.SigningKey(seed).sign(message), name);
            assertTrue(Ed25519.verify(publicKey, message, signature), name);
            byte[] forged = signature.clone();
            forged[0] ^= 1;
            assertFalse(Ed25519.verify(publicKey, message, forged), name);
            byte[] otherMessage = Arrays.copyOf(message, message.length + 1);
            assertFalse(Ed25519.verify(publicKey, otherMessage, signature), name);
            assertFalse(Ed25519.verify(publicKey, message, Arrays.copyOf(signature, 63)), name);
            assertFalse(Ed25519.verify(new byte[5], message, signature), name);
        }
    }

    /** RFC 7748 section 5.2: the function itself, once and iterated (k, u) := (X25519(k, u), k). */
    @Test
    void x25519Rfc7748Section52() {
        assertArrayEquals(HEX.parseHex("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"),
                X25519.agree(HEX.parseHex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
                        HEX.parseHex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c")));
        byte[] k = new byte[32];
        k[0] = 9;
        byte[] u = k.clone();
        for (int i = 1; i <= 1000; i++) {
            byte[] next = X25519.agree(k, u);
            u = k;
            k = next;
            if (i == 1) {
                assertArrayEquals(HEX.parseHex("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079"), k);
            }
        }
        assertArrayEquals(HEX.parseHex("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51"), k);
    }

    @Test
    void x25519Rfc7748Section61() {
        byte[] alicePrivate = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] alicePublic = HEX.parseHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        byte[] bobPrivate = HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        byte[] bobPublic = HEX.parseHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        byte[] shared = HEX.parseHex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        assertArrayEquals(alicePublic, X25519.publicKey(alicePrivate));
        assertArrayEquals(bobPublic, X25519.publicKey(bobPrivate));
        assertArrayEquals(shared, X25519.agree(alicePrivate, bobPublic));
        assertArrayEquals(shared, X25519.agree(bobPrivate, alicePublic));
    }

    @Test
    void x25519RefusesALowOrderPoint() {
        byte[] alicePrivate = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        assertThrows(IllegalArgumentException.class, () -> X25519.agree(alicePrivate, new byte[32]));
    }

    /** RFC 5869 appendix A, the three HKDF-SHA256 cases (basic, long inputs, empty salt and info). */
    @Test
    void hkdfRfc5869() {
        byte[] ikm = new byte[22];
        Arrays.fill(ikm, (byte) 0x0b);
        assertArrayEquals(HEX.parseHex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"),
                Hkdf.derive(ikm, HEX.parseHex("000102030405060708090a0b0c"), HEX.parseHex("f0f1f2f3f4f5f6f7f8f9"), 42));
        assertArrayEquals(HEX.parseHex("b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
                        + "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87"),
                Hkdf.derive(counting(0x00, 80), counting(0x60, 80), counting(0xb0, 80), 82));
        assertArrayEquals(HEX.parseHex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"),
                Hkdf.derive(ikm, new byte[0], new byte[0], 42));
        assertThrows(IllegalArgumentException.class, () -> Hkdf.derive(ikm, new byte[0], new byte[0], Hkdf.MAX_LENGTH + 1));
        assertThrows(IllegalArgumentException.class, () -> Hkdf.derive(ikm, new byte[0], new byte[0], 0));
    }

    private static byte[] counting(int from, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (from + i);
        }
        return bytes;
    }

    @Test
    void aeadOpensWhatItSealsAndNothingElse() throws Exception {
        SecureRandom random = new SecureRandom();
        byte[] key = new byte[Aead.KEY_SIZE];
        random.nextBytes(key);
        byte[] box = Aead.seal(key, "secret".getBytes(), "ad".getBytes(), random);
        assertArrayEquals("secret".getBytes(), Aead.open(key, box, "ad".getBytes()));
        assertThrows(Aead.AeadException.class, () -> Aead.open(key, box, "other".getBytes()));
        for (int i = 0; i < box.length; i++) {
            byte[] tampered = box.clone();
            tampered[i] ^= 1;
            assertThrows(Aead.AeadException.class, () -> Aead.open(key, tampered, "ad".getBytes()));
        }
        assertThrows(Aead.AeadException.class, () -> Aead.open(key, Arrays.copyOf(box, 10), "ad".getBytes()));
        byte[] otherKey = key.clone();
        otherKey[0] ^= 1;
        assertThrows(Aead.AeadException.class, () -> Aead.open(otherKey, box, "ad".getBytes()));
    }

    @Test
    void aeadKeepsWorkingAcrossKeysFailuresAndARepeatedNonce() throws Exception {
        SecureRandom random = new SecureRandom();
        byte[] first = new byte[Aead.KEY_SIZE];
        byte[] second = new byte[Aead.KEY_SIZE];
        random.nextBytes(first);
        random.nextBytes(second);
        byte[] boxOne = Aead.seal(first, "one".getBytes(), "ad".getBytes(), random);
        byte[] boxTwo = Aead.seal(second, "two".getBytes(), "ad".getBytes(), random);
        byte[] tampered = boxOne.clone();
        tampered[tampered.length - 1] ^= 1;
        assertThrows(Aead.AeadException.class, () -> Aead.open(first, tampered, "ad".getBytes()));
        assertArrayEquals("two".getBytes(), Aead.open(second, boxTwo, "ad".getBytes()));
        assertArrayEquals("one".getBytes(), Aead.open(first, boxOne, "ad".getBytes()));
        // A source that repeats its nonce: the second seal under the same key and nonce would give
        // away the key stream and the authentication key, so it must throw, not fall back to a
        // fresh cipher; the thread's next honest seal works again.
        SecureRandom stuck = new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                Arrays.fill(bytes, (byte) 7);
            }
        };
        byte[] once = Aead.seal(first, "same".getBytes(), "ad".getBytes(), stuck);
        assertThrows(Aead.NonceReuseException.class, () -> Aead.seal(first, "other".getBytes(), "ad".getBytes(), stuck));
        assertArrayEquals("same".getBytes(), Aead.open(first, once, "ad".getBytes()));
        byte[] honest = Aead.seal(first, "fine".getBytes(), "ad".getBytes(), random);
        assertArrayEquals("fine".getBytes(), Aead.open(first, honest, "ad".getBytes()));
    }

    @Test
    void argon2idIsDeterministicAndSensitiveToEveryInput() {
        Argon2id.Cost cost = new Argon2id.Cost(1024, 1, 1);
        byte[] salt = new byte[16];
        byte[] key = Argon2id.derive("pass".toCharArray(), salt, cost, 32);
        assertArrayEquals(key, Argon2id.derive("pass".toCharArray(), salt, cost, 32));
        assertFalse(Arrays.equals(key, Argon2id.derive("pasS".toCharArray(), salt, cost, 32)));
        byte[] otherSalt = salt.clone();
        otherSalt[0] = 1;
        assertFalse(Arrays.equals(key, Argon2id.derive("pass".toCharArray(), otherSalt, cost, 32)));
        assertFalse(Arrays.equals(key, Argon2id.derive("pass".toCharArray(), salt, new Argon2id.Cost(1024, 2, 1), 32)));
        assertThrows(IllegalArgumentException.class, () -> new Argon2id.Cost(Argon2id.Cost.MAX_MEMORY_KIB + 1, 1, 1));
    }
}
