package org.parley.identity;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.parley.crypto.Aead;
import org.parley.crypto.Argon2id;
import org.parley.proto.store.v1.KeystoreFile;
import org.parley.proto.store.v1.KeystoreHeader;
import org.parley.proto.store.v1.KeystoreSecrets;
import org.parley.store.PrivateFiles;

/**
 * A profile's identity at rest: the identity and agreement keys and the database content key,
 * sealed under a key derived from the passphrase.
 *
 * <p>File layout: the magic {@code PKEYSTR1}, the SHA-256 of the rest, then a {@code KeystoreFile}
 * protobuf (header with Argon2id cost and salt; secrets sealed with AES-256-GCM, the serialized
 * header as associated data). A checksum mismatch means damage, not a wrong passphrase; an AEAD
 * failure on an intact file means the passphrase is wrong.
 */
public final class Keystore {
    private static final byte[] MAGIC = {'P', 'K', 'E', 'Y', 'S', 'T', 'R', '1'};
    private static final int CHECKSUM_SIZE = 32;
    private static final int FORMAT_VERSION = 1;
    private static final int SALT_SIZE = 16;
    private static final int CONTENT_KEY_SIZE = 32;
    /** No genuine keystore comes near this; a bigger file is not ours and is not read whole. */
    private static final long MAX_FILE_BYTES = 64 * 1024;

    /** An opened keystore: who we are, and the key to our database's contents. */
    public record Unlocked(Identity identity, byte[] contentKey) {
    }

    private Keystore() {
    }

    /**
     * Seals a new identity into {@code file}, with a fresh content key.
     *
     * @throws KeystoreException ALREADY_EXISTS when there is a file there (it is left untouched)
     */
    public static Unlocked create(Path file, Identity identity, char[] passphrase, Argon2id.Cost cost,
                                  SecureRandom random) throws KeystoreException {
        if (Files.exists(file)) {
            throw new KeystoreException(KeystoreException.Reason.ALREADY_EXISTS,
                    "an identity already exists at " + file + " (refusing to overwrite it)");
        }
        byte[] salt = new byte[SALT_SIZE];
        random.nextBytes(salt);
        byte[] contentKey = new byte[CONTENT_KEY_SIZE];
        random.nextBytes(contentKey);
        KeystoreHeader header = KeystoreHeader.newBuilder()
                .setFormatVersion(FORMAT_VERSION)
                .setArgon2MemoryKib(cost.memoryKiB())
                .setArgon2Iterations(cost.iterations())
                .setArgon2Parallelism(cost.parallelism())
                .setSalt(ByteString.copyFrom(salt))
                .build();
        byte[] secrets = KeystoreSecrets.newBuilder()
                .setIdentitySeed(ByteString.copyFrom(identity.identitySeed()))
                .setAgreementPrivateKey(ByteString.copyFrom(identity.agreementPrivateKey()))
                .setAgreementSignature(ByteString.copyFrom(identity.agreementSignature()))
                .setContentKey(ByteString.copyFrom(contentKey))
                .setName(identity.name())
                .setCreatedAtMs(System.currentTimeMillis())
                .build()
                .toByteArray();
        byte[] key = Argon2id.derive(passphrase, salt, cost, Aead.KEY_SIZE);
        byte[] sealed;
        try {
            sealed = Aead.seal(key, secrets, header.toByteArray(), random);
        } finally {
            Arrays.fill(key, (byte) 0);
            Arrays.fill(secrets, (byte) 0);
        }
        byte[] body = KeystoreFile.newBuilder().setHeader(header).setSealedSecrets(ByteString.copyFrom(sealed)).build()
                .toByteArray();
        try {
            PrivateFiles.createNew(file, concat(MAGIC, sha256(body), body));
        } catch (FileAlreadyExistsException e) {
            throw new KeystoreException(KeystoreException.Reason.ALREADY_EXISTS,
                    "an identity already exists at " + file + " (refusing to overwrite it)", e);
        } catch (IOException e) {
            throw new KeystoreException(KeystoreException.Reason.IO, "cannot write " + file + ": " + e.getMessage(), e);
        }
        return new Unlocked(identity, contentKey);
    }

    /** Opens {@code file} with {@code passphrase}. Reads only; the file is never changed. */
    public static Unlocked unlock(Path file, char[] passphrase) throws KeystoreException {
        KeystoreFile parsed = parse(file, read(file));
        KeystoreHeader header = parsed.getHeader();
        if (header.getFormatVersion() != FORMAT_VERSION) {
            throw new KeystoreException(KeystoreException.Reason.UNSUPPORTED_VERSION, "keystore " + file
                    + " has format " + header.getFormatVersion() + "; this Parley reads format " + FORMAT_VERSION);
        }
        Argon2id.Cost cost;
        try {
            // The cost comes from the file: bounds-check it before spending memory on it.
            cost = new Argon2id.Cost(header.getArgon2MemoryKib(), header.getArgon2Iterations(),
                    header.getArgon2Parallelism());
        } catch (IllegalArgumentException e) {
            throw corrupt(file, e);
        }
        if (header.getSalt().size() != SALT_SIZE) {
            throw corrupt(file, null);
        }
        byte[] key = Argon2id.derive(passphrase, header.getSalt().toByteArray(), cost, Aead.KEY_SIZE);
        byte[] secretBytes;
        try {
            secretBytes = Aead.open(key, parsed.getSealedSecrets().toByteArray(), header.toByteArray());
        } catch (Aead.AeadException e) {
            throw new KeystoreException(KeystoreException.Reason.WRONG_PASSPHRASE, "wrong passphrase for " + file);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
        try {
            KeystoreSecrets secrets = KeystoreSecrets.parseFrom(secretBytes);
            Identity identity = Identity.restore(secrets.getName(), secrets.getIdentitySeed().toByteArray(),
                    secrets.getAgreementPrivateKey().toByteArray(), secrets.getAgreementSignature().toByteArray());
            if (secrets.getContentKey().size() != CONTENT_KEY_SIZE) {
                throw corrupt(file, null);
            }
            return new Unlocked(identity, secrets.getContentKey().toByteArray());
        } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
            // Authentic yet unusable: written by a broken build, not damaged on disk.
            throw corrupt(file, e);
        } finally {
            Arrays.fill(secretBytes, (byte) 0);
        }
    }

    private static byte[] read(Path file) throws KeystoreException {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw corrupt(file, null);
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new KeystoreException(KeystoreException.Reason.NOT_FOUND, "no keystore at " + file, e);
        } catch (IOException e) {
            throw new KeystoreException(KeystoreException.Reason.IO, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static KeystoreFile parse(Path file, byte[] bytes) throws KeystoreException {
        int bodyStart = MAGIC.length + CHECKSUM_SIZE;
        if (bytes.length < bodyStart || !Arrays.equals(MAGIC, Arrays.copyOf(bytes, MAGIC.length))) {
            throw corrupt(file, null);
        }
        byte[] body = Arrays.copyOfRange(bytes, bodyStart, bytes.length);
        if (!MessageDigest.isEqual(sha256(body), Arrays.copyOfRange(bytes, MAGIC.length, bodyStart))) {
            throw corrupt(file, null);
        }
        try {
            KeystoreFile parsed = KeystoreFile.parseFrom(body);
            if (!parsed.hasHeader()) {
                throw corrupt(file, null);
            }
            return parsed;
        } catch (InvalidProtocolBufferException e) {
            throw corrupt(file, e);
        }
    }

    private static KeystoreException corrupt(Path file, Throwable cause) {
        return new KeystoreException(KeystoreException.Reason.CORRUPT, "keystore " + file
                + " is corrupt or truncated (restore it from a backup)", cause);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, offset, part.length);
            offset += part.length;
        }
        return out;
    }
}
