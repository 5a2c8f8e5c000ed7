package org.parley.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.crypto.Argon2id;

class KeystoreTest {
    /** Small enough to keep the test fast; the format stores the cost, so nothing else differs. */
    private static final Argon2id.Cost CHEAP = new Argon2id.Cost(1024, 1, 1);
    private static final char[] PASSPHRASE = "correct horse".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path directory;

    private final Identity identity = Identity.generate("alice", RANDOM);

    @Test
    void unlocksWhatItSealed() throws Exception {
        Path file = directory.resolve("identity.keystore");
        Keystore.Unlocked created = Keystore.create(file, identity, PASSPHRASE, CHEAP, RANDOM);
        Keystore.Unlocked opened = Keystore.unlock(file, PASSPHRASE);
        assertEquals(identity.peerId(), opened.identity().peerId());
        assertEquals("alice", opened.identity().name());
        assertArrayEquals(identity.agreementPublicKey(), opened.identity().agreementPublicKey());
        assertArrayEquals(created.contentKey(), opened.contentKey());
        assertEquals(32, opened.contentKey().length);
    }

    @Test
    void theDefaultCostWorksToo() throws Exception {
        Path file = directory.resolve("identity.keystore");
        Keystore.create(file, identity, PASSPHRASE, Argon2id.Cost.DEFAULT, RANDOM);
        assertEquals(identity.peerId(), Keystore.unlock(file, PASSPHRASE).identity().peerId());
    }

    @Test
    void isOwnerOnlyAndHoldsNoSecretInTheClear() throws Exception {
        Path file = directory.resolve("identity.keystore");
        Keystore.Unlocked created = Keystore.create(file, identity, PASSPHRASE, CHEAP, RANDOM);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        byte[] bytes = Files.readAllBytes(file);
        assertFalse(contains(bytes, identity.identitySeed()));
        assertFalse(contains(bytes, identity.agreementPrivateKey()));
        assertFalse(contains(bytes, created.contentKey()));
        assertFalse(contains(bytes, "alice".getBytes()), "not even the name");
    }

    @Test
    void aWrongPassphraseIsSaidSoAndChangesNothing() throws Exception {
        Path file = directory.resolve("identity.keystore");
        Keystore.create(file, identity, PASSPHRASE, CHEAP, RANDOM);
        byte[] before = Files.readAllBytes(file);
        KeystoreException error = assertThrows(KeystoreException.class,
                () -> Keystore.unlock(file, "wrong".toCharArray()));
        assertEquals(KeystoreException.Reason.WRONG_PASSPHRASE, error.reason());
        assertEquals("wrong passphrase for " + file, error.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void truncatedFilesAreCorruptNotAWrongPassphrase() throws Exception {
        Path file = directory.resolve("identity.keystore");
        Keystore.create(file, identity, PASSPHRASE, CHEAP, RANDOM);
        byte[] original = Files.readAllBytes(file);
        for (int length : new int[] {0, 1, 8, 40, original.length / 2, original.length - 1}) {
            byte[] truncated = Arrays.copyOf(original, length);
            Files.write(file, truncated);
            KeystoreException error = assertThrows(KeystoreException.class, () -> Keystore.unlock(file, PASSPHRASE));
            assertEquals(KeystoreException.Reason.CORRUPT, error.reason(), "length " + length);
            assertTrue(error.getMessage().contains("corrupt"), error.getMessage());
            assertArrayEquals(truncated, Files.readAllBytes(file), "left as it was");
        }
    }

    @Test
    void everyFlippedByteIsRefusedCleanly() throws Exception {
        Path file = directory.resolve("identity.keystore");
        Keystore.create(file, identity, PASSPHRASE, CHEAP, RANDOM);
        byte[] original = Files.readAllBytes(file);
        for (int position = 0; position < original.length; position++) {
            byte[] damaged = original.clone();
            damaged[position] ^= 0x01;
            Files.write(file, damaged);
            KeystoreException error = assertThrows(KeystoreException.class, () -> Keystore.unlock(file, PASSPHRASE),
                    "byte " + position);
            assertTrue(EnumSet.of(KeystoreException.Reason.CORRUPT).contains(error.reason()),
                    "byte " + position + ": " + error.reason());
        }
    }

    @Test
    void randomGarbageAndOversizedFilesAreCorrupt() throws Exception {
        Path file = directory.resolve("identity.keystore");
        byte[] garbage = new byte[300];
        RANDOM.nextBytes(garbage);
        Files.write(file, garbage);
        assertEquals(KeystoreException.Reason.CORRUPT,
                assertThrows(KeystoreException.class, () -> Keystore.unlock(file, PASSPHRASE)).reason());
        Files.write(file, new byte[1024 * 1024]);
        assertEquals(KeystoreException.Reason.CORRUPT,
                assertThrows(KeystoreException.class, () -> Keystore.unlock(file, PASSPHRASE)).reason());
    }

    @Test
    void createRefusesToOverwriteAndMissingFilesAreNamed() throws Exception {
        Path file = directory.resolve("identity.keystore");
        Keystore.create(file, identity, PASSPHRASE, CHEAP, RANDOM);
        byte[] before = Files.readAllBytes(file);
        KeystoreException exists = assertThrows(KeystoreException.class,
                () -> Keystore.create(file, Identity.generate("bob", RANDOM), PASSPHRASE, CHEAP, RANDOM));
        assertEquals(KeystoreException.Reason.ALREADY_EXISTS, exists.reason());
        assertArrayEquals(before, Files.readAllBytes(file));

        Path missing = directory.resolve("nope");
        assertEquals(KeystoreException.Reason.NOT_FOUND,
                assertThrows(KeystoreException.class, () -> Keystore.unlock(missing, PASSPHRASE)).reason());
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
