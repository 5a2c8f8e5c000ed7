package org.parley.cli;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import org.parley.crypto.Argon2id;
import org.parley.identity.Keystore;
import org.parley.identity.KeystoreException;
import org.parley.proto.store.v1.BackupContents;
import org.parley.store.Backup;
import org.parley.store.DatabaseSnapshot;
import org.parley.store.PrivateFiles;
import org.parley.store.ProfileHome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "export", mixinStandardHelpOptions = true, description = {
        "Write identity, contacts, groups and history to one file, sealed under the passphrase.",
        "Move it to another machine and run 'parley import FILE' there; a running daemon may stay up."})
final class ExportCommand implements Callable<Integer> {
    @ParentCommand
    ParleyCli cli;

    @Mixin
    HomeOption homeOption;

    @Mixin
    PassphraseOption passphraseOption;

    @Option(names = "--out", paramLabel = "FILE", required = true,
            description = "The backup file to write (it must not exist yet; it is readable by you only).")
    Path out;

    @Override
    public Integer call() throws CliException {
        CliContext context = cli.context();
        ProfileHome home = homeOption.existing(context);
        if (Files.exists(out)) {
            throw new CliException(out + " already exists (refusing to overwrite it)");
        }
        char[] passphrase = passphraseOption.read(context);
        try {
            Keystore.Unlocked unlocked = Keystore.unlock(home.keystore(), passphrase);
            Arrays.fill(unlocked.contentKey(), (byte) 0);
            BackupContents contents = BackupContents.newBuilder()
                    .setKeystore(ByteString.copyFrom(Files.readAllBytes(home.keystore())))
                    .setDatabase(ByteString.copyFrom(databaseCopy(home)))
                    .setCreatedAtMs(System.currentTimeMillis())
                    .setPeerId(unlocked.identity().peerId().toString())
                    .build();
            if (contents.getSerializedSize() > Backup.MAX_FILE_BYTES - 1024) {
                throw new CliException("the profile is too large to export (a backup holds at most "
                        + Backup.MAX_FILE_BYTES / (1024 * 1024) + " MiB)");
            }
            PrivateFiles.createNew(out, Backup.seal(contents.toByteArray(), passphrase, Argon2id.Cost.DEFAULT,
                    new SecureRandom()));
            context.out().println("Exported '" + unlocked.identity().name() + "' (" + unlocked.identity().peerId()
                    + ") to " + out);
            return 0;
        } catch (KeystoreException e) {
            throw new CliException(e.getMessage(), e);
        } catch (FileAlreadyExistsException e) {
            throw new CliException(out + " already exists (refusing to overwrite it)", e);
        } catch (IOException e) {
            throw new CliException("cannot export: " + e.getMessage(), e);
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }

    /** The database's bytes, copied consistently beside it (in the owner-only home), or none yet. */
    private static byte[] databaseCopy(ProfileHome home) throws IOException {
        if (!Files.exists(home.database())) {
            return new byte[0];
        }
        byte[] suffix = new byte[8];
        new SecureRandom().nextBytes(suffix);
        Path copy = home.root().resolve("export-" + HexFormat.of().formatHex(suffix) + ".db.tmp");
        try {
            DatabaseSnapshot.copyForBackup(home.database(), copy);
            return Files.readAllBytes(copy);
        } finally {
            Files.deleteIfExists(copy);
        }
    }
}
