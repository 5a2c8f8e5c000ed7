package org.parley.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * Any bytes as a backup file given to {@code parley import}: refused in one line, with no home
 * created and the file left as it was. A fuzzer cannot forge the file's SHA-256, so when the
 * input's first byte is odd the target fixes the checksum itself (only for a small Argon2 cost:
 * a big one is bounded but slow by design), and the fuzzer reaches the passphrase check and what
 * lies behind it.
 */
class BackupFileFuzzTest {
    /** magic, version, Argon2 memory, iterations, parallelism, salt, box length. */
    private static final int HEADER_SIZE = 8 + 2 + 12 + 16 + 8;
    private static final int CHECKSUM_SIZE = 32;
    private static final Path DIRECTORY;

    static {
        try {
            DIRECTORY = Files.createTempDirectory("parley-backup-fuzz-");
            DIRECTORY.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void anyFileIsRefusedInOneLineAndCreatesNothing(byte[] input) throws IOException {
        byte[] file = input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
        if (input.length > 0 && (input[0] & 1) == 1) {
            fixChecksum(file);
        }
        Path backup = DIRECTORY.resolve("fuzzed.backup");
        Files.write(backup, file);
        Path home = DIRECTORY.resolve("home");

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ParleyCli.execute(new CliContext(Map.of("PARLEY_PASSPHRASE", "correct horse battery"),
                question -> Optional.empty(), new PrintWriter(out, true), new PrintWriter(err, true)),
                "import", "--home", home.toString(), backup.toString());

        // Only a backup sealed under this passphrase, holding a keystore that opens, is taken:
        // the fuzzer cannot make one, so every input is refused.
        assertEquals(1, exit, err.toString());
        String message = err.toString().strip();
        assertTrue(message.startsWith("parley: error: "), message);
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.chars().noneMatch(Character::isISOControl), "printable: " + message);
        assertFalse(Files.exists(home), "a failed import creates no home");
        assertArrayEquals(file, Files.readAllBytes(backup), "the backup is left as it was");
    }

    /** Writes the SHA-256 of what comes before the checksum, where the header says the checksum is. */
    private static void fixChecksum(byte[] file) {
        if (file.length < HEADER_SIZE + CHECKSUM_SIZE) {
            return;
        }
        ByteBuffer header = ByteBuffer.wrap(file, 10, HEADER_SIZE - 10);
        int memoryKiB = header.getInt();
        int iterations = header.getInt();
        header.getInt();
        header.position(header.position() + 16);
        long boxLength = header.getLong();
        if (memoryKiB > 256 || iterations > 2 || boxLength != file.length - HEADER_SIZE - CHECKSUM_SIZE) {
            return;
        }
        try {
            byte[] sum = MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(file, file.length - CHECKSUM_SIZE));
            System.arraycopy(sum, 0, file, file.length - CHECKSUM_SIZE, CHECKSUM_SIZE);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
