package org.parley.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.crypto.Argon2id;
import org.parley.store.Backup.BackupException.Reason;

/** The sealed backup format, against every way a file can be wrong. */
class BackupTest {
    /** Cheap enough for tests; the format stores whatever cost sealed it. */
    private static final Argon2id.Cost COST = new Argon2id.Cost(64, 1, 1);
    private static final char[] PASSPHRASE = "correct horse battery".toCharArray();
    private static final int HEADER = 8 + 2 + 12 + 16 + 8;

    @TempDir
    Path directory;

    private final byte[] contents = "identity, contacts, groups, history".getBytes(StandardCharsets.UTF_8);
    private final byte[] sealed = Backup.seal(contents, PASSPHRASE, COST, new SecureRandom());

    @Test
    void aBackupOpensWithItsPassphraseAndHidesItsContents() throws Exception {
        assertArrayEquals(contents, Backup.open(sealed, PASSPHRASE, "b"));
        assertTrue(indexOf(sealed, contents) < 0, "the contents are sealed, not copied");
        assertArrayEquals("PARLEYBK".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(sealed, 8));
        assertEquals(1, ByteBuffer.wrap(sealed, 8, 2).getShort(), "the format version follows the magic");
    }

    @Test
    void aWrongPassphraseIsSaidToBeOne() {
        assertEquals(Reason.WRONG_PASSPHRASE, reasonOpening(sealed, "correct horse battery!".toCharArray()));
    }

    @Test
    void everyTruncationIsCaughtBeforeThePassphraseIsTried() {
        for (int length = 0; length < sealed.length; length++) {
            Reason reason = reasonOpening(Arrays.copyOf(sealed, length), PASSPHRASE);
            Reason expected = length < 8 ? Reason.NOT_A_BACKUP : Reason.TRUNCATED;
            assertEquals(expected, reason, "cut at " + length);
        }
    }

    @Test
    void everyFlippedBitIsCaught() {
        for (int i = 8; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x10;
            Reason reason = reasonOpening(tampered, PASSPHRASE);
            assertTrue(reason != null, "flipped byte " + i + " went unnoticed");
        }
    }

    @Test
    void anAlterationWithARecomputedChecksumStillDoesNotOpen() throws Exception {
        byte[] tampered = sealed.clone();
        tampered[HEADER + 20] ^= 0x01;
        fixChecksum(tampered);
        assertEquals(Reason.WRONG_PASSPHRASE, reasonOpening(tampered, PASSPHRASE));
        byte[] otherSalt = sealed.clone();
        otherSalt[HEADER - 9] ^= 0x01;
        fixChecksum(otherSalt);
        assertEquals(Reason.WRONG_PASSPHRASE, reasonOpening(otherSalt, PASSPHRASE), "the header is authenticated");
    }

    @Test
    void aForgedCostCannotMakeTheReaderAllocateGigabytes() throws Exception {
        byte[] forged = sealed.clone();
        ByteBuffer.wrap(forged, 10, 4).putInt(Integer.MAX_VALUE);
        fixChecksum(forged);
        assertEquals(Reason.DAMAGED, reasonOpening(forged, PASSPHRASE));
    }

    @Test
    void aForgedLengthIsCaught() throws Exception {
        byte[] forged = sealed.clone();
        ByteBuffer.wrap(forged, HEADER - 8, 8).putLong(Long.MAX_VALUE);
        assertEquals(Reason.DAMAGED, reasonOpening(forged, PASSPHRASE));
        ByteBuffer.wrap(forged, HEADER - 8, 8).putLong(3);
        assertEquals(Reason.DAMAGED, reasonOpening(forged, PASSPHRASE));
    }

    @Test
    void otherFilesAndOtherVersionsAreNamedForWhatTheyAre() throws Exception {
        assertEquals(Reason.NOT_A_BACKUP, reasonOpening("SQLite format 3\0".getBytes(StandardCharsets.US_ASCII),
                PASSPHRASE));
        byte[] future = sealed.clone();
        ByteBuffer.wrap(future, 8, 2).putShort((short) 2);
        fixChecksum(future);
        Backup.BackupException e = assertThrows(Backup.BackupException.class,
                () -> Backup.open(future, PASSPHRASE, "b"));
        assertEquals(Reason.UNSUPPORTED_VERSION, e.reason());
        assertEquals("b is backup format 2; this Parley reads format 1", e.getMessage());
        byte[] appended = Arrays.copyOf(sealed, sealed.length + 1);
        assertEquals(Reason.DAMAGED, reasonOpening(appended, PASSPHRASE));
    }

    @Test
    void anOversizedFileIsRefusedWithoutBeingRead() throws Exception {
        Path huge = directory.resolve("huge.backup");
        try (RandomAccessFile file = new RandomAccessFile(huge.toFile(), "rw")) {
            file.write(sealed);
            file.setLength(Backup.MAX_FILE_BYTES + 1); // sparse: costs no disk
        }
        Backup.BackupException e = assertThrows(Backup.BackupException.class, () -> Backup.open(huge, PASSPHRASE));
        assertEquals(Reason.TOO_LARGE, e.reason());
        assertEquals(1, e.getMessage().lines().count());
        Path fine = directory.resolve("fine.backup");
        Files.write(fine, sealed);
        assertArrayEquals(contents, Backup.open(fine, PASSPHRASE));
    }

    private static Reason reasonOpening(byte[] file, char[] passphrase) {
        try {
            Backup.open(file, passphrase, "b");
            return null;
        } catch (Backup.BackupException e) {
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            return e.reason();
        }
    }

    private static void fixChecksum(byte[] file) throws Exception {
        int body = file.length - 32;
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(file, 0, body);
        System.arraycopy(digest.digest(), 0, file, body, 32);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
