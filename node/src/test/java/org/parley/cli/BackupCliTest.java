package org.parley.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.store.Backup;
import org.parley.store.Database;
import org.parley.store.PeerRows;
import org.parley.store.ProfileHome;
import org.parley.store.RestoreMark;

/** {@code parley export} and {@code parley import} in process, on real keystores and databases. */
class BackupCliTest {
    private static final String PASSPHRASE = "correct horse battery";

    @TempDir
    Path directory;

    private final Map<String, String> environment = new HashMap<>();
    private ProfileHome alice;
    private String alicePeerId;

    @BeforeEach
    void createAlice() {
        environment.put("PARLEY_PASSPHRASE", PASSPHRASE);
        alice = new ProfileHome(directory.resolve("alice"));
        assertEquals(0, run("init", "--home", alice.toString(), "--name", "alice").exit);
        alicePeerId = run("id", "--home", alice.toString()).out.strip();
    }

    /** Names are sealed at rest; the backup carries them as they are stored. */
    private static final byte[] SEALED_NAME = {7, 7, 7, 7};

    @Test
    void anExportImportedElsewhereIsTheSameProfileWithEverySessionRetired() throws Exception {
        Path backup = directory.resolve("alice.backup");
        // The database stays open while exporting, as a running daemon keeps it.
        try (Database database = Database.open(alice.database())) {
            database.inTransaction(connection -> {
                PeerRows.putContact(connection, new PeerRows.Contact("p1bob", SEALED_NAME, "contact", 1L));
                PeerRows.putSession(connection, new PeerRows.Session("p1bob", new byte[] {1}, new byte[] {2}, true));
                return null;
            });
            Run export = run("export", "--home", alice.toString(), "--out", backup.toString());
            assertEquals(0, export.exit, export.err);
            assertTrue(export.out.contains(alicePeerId), export.out);
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)));

        ProfileHome moved = new ProfileHome(directory.resolve("new-machine"));
        Run imported = run("import", "--home", moved.toString(), backup.toString());
        assertEquals(0, imported.exit, imported.err);
        assertEquals(alicePeerId, run("id", "--home", moved.toString()).out.strip());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(moved.root())));
        try (Database database = Database.open(moved.database())) {
            List<PeerRows.Contact> contacts = database.inTransaction(PeerRows::contacts);
            assertEquals(List.of("p1bob"), contacts.stream().map(PeerRows.Contact::peerId).toList());
            assertArrayEquals(SEALED_NAME, contacts.get(0).sealedName(), "the contact's name, sealed as it was");
            List<PeerRows.Session> sessions = database.inTransaction(PeerRows::sessions);
            assertEquals(1, sessions.size());
            assertFalse(sessions.get(0).active(), "a restored session never encrypts again");
            assertTrue(database.inTransaction(RestoreMark::isSet), "the node will replace its group sender keys");
        }
        try (Database database = Database.open(alice.database())) {
            assertTrue(database.inTransaction(PeerRows::sessions).get(0).active(), "the original is left as it was");
            assertFalse(database.inTransaction(RestoreMark::isSet));
        }
        assertEquals(List.of(), leftovers(moved), "no temporary file stays behind");
        assertEquals(List.of(), leftovers(alice), "no temporary file stays behind");
    }

    @Test
    void anExistingIdentityIsReplacedOnlyWhenAskedTo() throws Exception {
        Path backup = exportAlice();
        ProfileHome bob = new ProfileHome(directory.resolve("bob"));
        assertEquals(0, run("init", "--home", bob.toString(), "--name", "bob").exit);
        byte[] bobKeystore = Files.readAllBytes(bob.keystore());

        Run refused = run("import", "--home", bob.toString(), backup.toString());
        assertEquals(1, refused.exit);
        assertEquals("parley: error: an identity already exists in " + bob
                + " (refusing to overwrite it; pass --overwrite to replace it)", refused.err.strip());
        assertArrayEquals(bobKeystore, Files.readAllBytes(bob.keystore()));

        Run replaced = run("import", "--home", bob.toString(), "--overwrite", backup.toString());
        assertEquals(0, replaced.exit, replaced.err);
        assertEquals(alicePeerId, run("id", "--home", bob.toString()).out.strip());
    }

    @Test
    void aBadBackupIsOneLineAndChangesNothing() throws Exception {
        Path backup = exportAlice();
        byte[] good = Files.readAllBytes(backup);
        ProfileHome bob = new ProfileHome(directory.resolve("bob"));
        assertEquals(0, run("init", "--home", bob.toString(), "--name", "bob").exit);
        byte[] bobKeystore = Files.readAllBytes(bob.keystore());

        Path truncated = write("truncated", Arrays.copyOf(good, good.length / 2));
        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x04;
        Path tampered = write("tampered", flipped);
        Path notOne = write("not-one", "hello".getBytes());
        Path oversized = directory.resolve("oversized");
        try (RandomAccessFile file = new RandomAccessFile(oversized.toFile(), "rw")) {
            file.write(good);
            file.setLength(Backup.MAX_FILE_BYTES + 1);
        }
        Map<Path, String> expected = Map.of(
                truncated, truncated + " is truncated (an incomplete copy?)",
                tampered, tampered + " is damaged or was altered (its checksum does not match)",
                notOne, notOne + " is not a Parley backup",
                oversized, oversized + " is larger than a backup can be (256 MiB)",
                directory.resolve("missing"), directory.resolve("missing") + " does not exist");
        ProfileHome fresh = new ProfileHome(directory.resolve("fresh"));
        for (Map.Entry<Path, String> bad : expected.entrySet()) {
            for (ProfileHome target : List.of(fresh, bob)) {
                Run run = run("import", "--home", target.toString(), "--overwrite", bad.getKey().toString());
                assertEquals(1, run.exit, run.toString());
                assertEquals("parley: error: " + bad.getValue(), run.err.strip());
            }
        }
        environment.put("PARLEY_PASSPHRASE", "correct horse battery staple");
        Run wrong = run("import", "--home", bob.toString(), "--overwrite", backup.toString());
        assertEquals(1, wrong.exit);
        assertEquals("parley: error: wrong passphrase for " + backup + " (or the file was altered)",
                wrong.err.strip());

        assertFalse(Files.exists(fresh.root()), "a failed import creates no home");
        assertArrayEquals(bobKeystore, Files.readAllBytes(bob.keystore()), "a failed import overwrites nothing");
        assertEquals(List.of(), leftovers(bob));
    }

    @Test
    void exportNeedsThePassphraseAndNeverOverwritesAFile() throws Exception {
        Path backup = exportAlice();
        byte[] first = Files.readAllBytes(backup);
        Run again = run("export", "--home", alice.toString(), "--out", backup.toString());
        assertEquals(1, again.exit);
        assertEquals("parley: error: " + backup + " already exists (refusing to overwrite it)", again.err.strip());
        assertArrayEquals(first, Files.readAllBytes(backup));

        environment.put("PARLEY_PASSPHRASE", "not the passphrase at all");
        Path other = directory.resolve("other.backup");
        Run wrong = run("export", "--home", alice.toString(), "--out", other.toString());
        assertEquals(1, wrong.exit);
        assertTrue(wrong.err.startsWith("parley: error: wrong passphrase"), wrong.err);
        assertFalse(Files.exists(other));
    }

    private Path exportAlice() {
        Path backup = directory.resolve("alice.backup");
        Run export = run("export", "--home", alice.toString(), "--out", backup.toString());
        assertEquals(0, export.exit, export.err);
        return backup;
    }

    private Path write(String name, byte[] content) throws Exception {
        return Files.write(directory.resolve(name), content);
    }

    private static List<String> leftovers(ProfileHome home) throws Exception {
        try (var files = Files.list(home.root())) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".tmp") || name.endsWith(".importing")).toList();
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext context = new CliContext(environment, question -> Optional.empty(), new PrintWriter(out, true),
                new PrintWriter(err, true));
        int exit = ParleyCli.execute(context, args);
        return new Run(exit, out.toString(), err.toString());
    }
}
