package org.parley.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The primitives against their RFCs' published vectors, and against tampering. */
class CryptoVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void ed25519Rfc8032Test1() {
        byte[] seed = HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        byte[] publicKey = HEX.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        byte[] signature = HEX.parseHex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555"
                + "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
        assertArrayEquals(publicKey, Ed25519.publicKey(seed));
        assertArrayEquals(signature, Ed25519.sign(seed, new byte[0]));
        assertTrue(Ed25519.verify(publicKey, new byte[0], signature));
        byte[] forged = signature.clone();
        forged[0] ^= 1;
        assertFalse(Ed25519.verify(publicKey, new byte[0], forged));
        assertFalse(Ed25519.verify(publicKey, new byte[0], Arrays.copyOf(signature, 63)));
        assertFalse(Ed25519.verify(new byte[5], new byte[0], signature));
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

    @Test
    void hkdfRfc5869TestCase1() {
        byte[] ikm = new byte[22];
        Arrays.fill(ikm, (byte) 0x0b);
        byte[] salt = HEX.parseHex("000102030405060708090a0b0c");
        byte[] info = HEX.parseHex("f0f1f2f3f4f5f6f7f8f9");
        byte[] okm = HEX.parseHex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
        assertArrayEquals(okm, Hkdf.derive(ikm, salt, info, 42));
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
