package org.parley.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.parley.crypto.Aead;
import org.parley.crypto.Argon2id;

/**
 * The sealed form of a profile backup ({@code parley export}): whatever bytes it is given, sealed
 * under a key derived from the passphrase, in a versioned file that says what it is.
 *
 * <p>Layout, big-endian: the magic {@code PARLEYBK}; the format version (2 bytes); the Argon2id
 * memory in KiB, iterations and parallelism (4 bytes each); the salt (16); the sealed box's
 * length (8); the box, AES-256-GCM {@code nonce || ciphertext || tag} with everything before it
 * as associated data; then the SHA-256 of everything before it. The checksum tells damage and
 * truncation from a wrong passphrase: an intact file that does not open was sealed under another
 * passphrase, or altered by someone who also fixed the checksum.
 */
public final class Backup {
    /** Backups bigger than this are refused whole: read into memory, they would exhaust it. */
    public static final long MAX_FILE_BYTES = 256L * 1024 * 1024;
    static final int FORMAT_VERSION = 1;

    private static final byte[] MAGIC = "PARLEYBK".getBytes(StandardCharsets.US_ASCII);
    private static final int SALT_SIZE = 16;
    private static final int HEADER_SIZE = MAGIC.length + 2 + 3 * 4 + SALT_SIZE + 8;
    private static final int CHECKSUM_SIZE = 32;

    private Backup() {
    }

    /** Why a backup could not be opened; the message is one line for the user. */
    public static final class BackupException extends Exception {
        private static final long serialVersionUID = 1L;

        public enum Reason { NOT_A_BACKUP, UNSUPPORTED_VERSION, TOO_LARGE, TRUNCATED, DAMAGED, WRONG_PASSPHRASE }

        private final Reason reason;

        BackupException(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }

    public static byte[] seal(byte[] contents, char[] passphrase, Argon2id.Cost cost, SecureRandom random) {
        if (HEADER_SIZE + (long) contents.length + Aead.OVERHEAD + CHECKSUM_SIZE > MAX_FILE_BYTES) {
            throw new IllegalArgumentException("a backup holds at most " + MAX_FILE_BYTES / (1024 * 1024) + " MiB");
        }
        byte[] salt = new byte[SALT_SIZE];
        random.nextBytes(salt);
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE).put(MAGIC).putShort((short) FORMAT_VERSION)
                .putInt(cost.memoryKiB()).putInt(cost.iterations()).putInt(cost.parallelism()).put(salt)
                .putLong(contents.length + (long) Aead.OVERHEAD);
        byte[] key = Argon2id.derive(passphrase, salt, cost, Aead.KEY_SIZE);
        byte[] box;
        try {
            box = Aead.seal(key, contents, header.array(), random);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
        ByteBuffer file = ByteBuffer.allocate(HEADER_SIZE + box.length + CHECKSUM_SIZE);
        file.put(header.array()).put(box);
        file.put(sha256(file.array(), HEADER_SIZE + box.length));
        return file.array();
    }

    /**
     * Opens a file made by {@link #seal}.
     *
     * @param name how to call the file in messages
     */
    public static byte[] open(byte[] file, char[] passphrase, String name) throws BackupException {
        if (file.length > MAX_FILE_BYTES) {
            throw tooLarge(name);
        }
        if (file.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(file, MAGIC.length), MAGIC)) {
            throw new BackupException(BackupException.Reason.NOT_A_BACKUP, name + " is not a Parley backup");
        }
        if (file.length < HEADER_SIZE) {
            throw truncated(name);
        }
        ByteBuffer header = ByteBuffer.wrap(file, MAGIC.length, HEADER_SIZE - MAGIC.length);
        int version = Short.toUnsignedInt(header.getShort());
        if (version != FORMAT_VERSION) {
            throw new BackupException(BackupException.Reason.UNSUPPORTED_VERSION, name + " is backup format "
                    + version + "; this Parley reads format " + FORMAT_VERSION);
        }
        int memoryKiB = header.getInt();
        int iterations = header.getInt();
        int parallelism = header.getInt();
        byte[] salt = new byte[SALT_SIZE];
        header.get(salt);
        long boxLength = header.getLong();
        if (boxLength < Aead.OVERHEAD || boxLength > MAX_FILE_BYTES) {
            throw damaged(name);
        }
        long expected = HEADER_SIZE + boxLength + CHECKSUM_SIZE;
        if (file.length < expected) {
            throw truncated(name);
        }
        if (file.length > expected
                || !MessageDigest.isEqual(sha256(file, (int) (HEADER_SIZE + boxLength)),
                        Arrays.copyOfRange(file, (int) (HEADER_SIZE + boxLength), file.length))) {
            throw damaged(name);
        }
        Argon2id.Cost cost;
        try {
            // The cost comes from the file: bounds-checked before memory is spent on it.
            cost = new Argon2id.Cost(memoryKiB, iterations, parallelism);
        } catch (IllegalArgumentException e) {
            throw damaged(name);
        }
        byte[] key = Argon2id.derive(passphrase, salt, cost, Aead.KEY_SIZE);
        try {
            return Aead.open(key, Arrays.copyOfRange(file, HEADER_SIZE, (int) (HEADER_SIZE + boxLength)),
                    Arrays.copyOf(file, HEADER_SIZE));
        } catch (Aead.AeadException e) {
            throw new BackupException(BackupException.Reason.WRONG_PASSPHRASE,
                    "wrong passphrase for " + name + " (or the file was altered)");
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** Reads and opens a backup file; a file too large to be one is refused before it is read. */
    public static byte[] open(Path file, char[] passphrase) throws BackupException, IOException {
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw tooLarge(file.toString());
        }
        return open(Files.readAllBytes(file), passphrase, file.toString());
    }

    private static BackupException tooLarge(String name) {
        return new BackupException(BackupException.Reason.TOO_LARGE, name + " is larger than a backup can be ("
                + MAX_FILE_BYTES / (1024 * 1024) + " MiB)");
    }

    private static BackupException truncated(String name) {
        return new BackupException(BackupException.Reason.TRUNCATED, name + " is truncated (an incomplete copy?)");
    }

    private static BackupException damaged(String name) {
        return new BackupException(BackupException.Reason.DAMAGED, name
                + " is damaged or was altered (its checksum does not match)");
    }

    private static byte[] sha256(byte[] bytes, int length) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(bytes, 0, length);
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
