package org.parley.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class ContentCipherTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final byte[] contentKey = new byte[32];
    private final ContentCipher cipher;

    ContentCipherTest() {
        RANDOM.nextBytes(contentKey);
        cipher = new ContentCipher(contentKey, RANDOM);
    }

    @Test
    void opensWhatItSealedForTheSamePlaceOnly() {
        byte[] body = "meet at noon".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = cipher.seal(body, "message:1");
        assertArrayEquals(body, cipher.open(sealed, "message:1"));
        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("meet at noon"));
        assertThrows(StoreException.class, () -> cipher.open(sealed, "message:2"));
    }

    @Test
    void tamperedOrForeignDataDoesNotOpen() {
        byte[] sealed = cipher.seal("x".getBytes(), "message:1");
        byte[] tampered = sealed.clone();
        tampered[tampered.length - 1] ^= 1;
        assertThrows(StoreException.class, () -> cipher.open(tampered, "message:1"));
        byte[] otherKey = contentKey.clone();
        otherKey[0] ^= 1;
        assertThrows(StoreException.class, () -> new ContentCipher(otherKey, RANDOM).open(sealed, "message:1"));
        assertThrows(StoreException.class, () -> cipher.open(new byte[3], "message:1"));
        assertThrows(IllegalArgumentException.class, () -> new ContentCipher(new byte[16], RANDOM));
    }
}
