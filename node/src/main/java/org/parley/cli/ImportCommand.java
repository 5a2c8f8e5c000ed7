package org.parley.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.parley.identity.Identity;
import org.parley.identity.Keystore;
import org.parley.identity.KeystoreException;
import org.parley.node.DaemonLock;
import org.parley.proto.store.v1.BackupContents;
import org.parley.store.Backup;
import org.parley.store.PrivateFiles;
import org.parley.store.ProfileHome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * Restores a backup made by {@code parley export}. Everything is opened and checked before the
 * home is touched, so a wrong passphrase or a damaged file changes nothing.
 */
@Command(name = "import", mixinStandardHelpOptions = true, description = {
        "Restore identity, contacts, groups and history from a file made by 'parley export'.",
        "Conversations go on: the first message to each contact starts a fresh encrypted session."})
final class ImportCommand implements Callable<Integer> {
    private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    @ParentCommand
    ParleyCli cli;

    @Mixin
    HomeOption homeOption;

    @Mixin
    PassphraseOption passphraseOption;

    @Parameters(paramLabel = "FILE", description = "The backup file.")
    Path file;

    @Option(names = "--overwrite", description = "Replace the identity already in the home (it is lost unless "
            + "you exported it).")
    boolean overwrite;

    @Override
    public Integer call() throws CliException {
        CliContext context = cli.context();
        ProfileHome home = homeOption.resolve(context);
        if (home.hasIdentity() && !overwrite) {
            throw new CliException("an identity already exists in " + home
                    + " (refusing to overwrite it; pass --overwrite to replace it)");
        }
        char[] passphrase = passphraseOption.read(context);
        try {
            BackupContents contents = open(passphrase);
            home.create();
            Optional<DaemonLock> lock = DaemonLock.tryAcquire(home);
            if (lock.isEmpty()) {
                throw new CliException("a daemon is running on " + home + "; stop it before importing");
            }
            try (DaemonLock held = lock.get()) {
                Identity identity = restore(home, contents, passphrase);
                context.out().println("Imported '" + identity.name() + "' (" + identity.peerId() + ") into " + home);
                return 0;
            }
        } catch (IOException e) {
            throw new CliException("cannot import into " + home + ": " + e.getMessage(), e);
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }

    private BackupContents open(char[] passphrase) throws CliException {
        byte[] plaintext;
        try {
            plaintext = Backup.open(file, passphrase);
        } catch (NoSuchFileException e) {
            throw new CliException(file + " does not exist", e);
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (Backup.BackupException e) {
            throw new CliException(e.getMessage(), e);
        }
        try {
            BackupContents contents = BackupContents.parseFrom(plaintext);
            byte[] database = contents.getDatabase().toByteArray();
            if (contents.getKeystore().isEmpty() || (database.length > 0 && (database.length < SQLITE_MAGIC.length
                    || !Arrays.equals(Arrays.copyOf(database, SQLITE_MAGIC.length), SQLITE_MAGIC)))) {
                throw unusable();
            }
            return contents;
        } catch (InvalidProtocolBufferException e) {
            throw unusable();
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    private CliException unusable() {
        return new CliException(file + " opened but holds no usable profile (made by a broken or newer Parley?)");
    }

    /**
     * Puts the backup's files in place: each written beside its destination first, then renamed
     * over it, the keystore last so that a home never holds an identity without its database.
     */
    private Identity restore(ProfileHome home, BackupContents contents, char[] passphrase)
            throws IOException, CliException {
        Path keystore = home.root().resolve(home.keystore().getFileName() + ".importing");
        Path database = home.root().resolve(home.database().getFileName() + ".importing");
        try {
            Files.deleteIfExists(keystore);
            Files.deleteIfExists(database);
            PrivateFiles.createNew(keystore, contents.getKeystore().toByteArray());
            Identity identity;
            try {
                Keystore.Unlocked unlocked = Keystore.unlock(keystore, passphrase);
                Arrays.fill(unlocked.contentKey(), (byte) 0);
                identity = unlocked.identity();
            } catch (KeystoreException e) {
                throw new CliException("the identity in " + file + " does not open: " + e.getMessage(), e);
            }
            if (!identity.peerId().toString().equals(contents.getPeerId())) {
                throw unusable();
            }
            Files.deleteIfExists(home.keystore());
            for (String suffix : new String[] {"-wal", "-shm", "-journal"}) {
                Files.deleteIfExists(home.database().resolveSibling(home.database().getFileName() + suffix));
            }
            if (contents.getDatabase().isEmpty()) {
                Files.deleteIfExists(home.database());
            } else {
                PrivateFiles.createNew(database, contents.getDatabase().toByteArray());
                Files.move(database, home.database(), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(keystore, home.keystore(), StandardCopyOption.ATOMIC_MOVE);
            return identity;
        } finally {
            Files.deleteIfExists(keystore);
            Files.deleteIfExists(database);
        }
    }
}
