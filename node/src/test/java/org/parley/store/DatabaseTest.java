package org.parley.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
    @TempDir
    Path directory;

    @Test
    void opensInWalModeWithForeignKeysAndTheLatestSchema() {
        Path file = directory.resolve("parley.db");
        try (Database database = Database.open(file)) {
            assertEquals("wal", database.pragma("journal_mode"));
            assertEquals("1", database.pragma("foreign_keys"));
            assertEquals("1", database.pragma("synchronous"), "NORMAL: in WAL mode a commit survives a killed process");
            assertEquals(Schema.latestVersion(), database.userVersion());
        }
        try (Database reopened = Database.open(file)) {
            assertEquals(Schema.latestVersion(), reopened.userVersion(), "reopening migrates nothing twice");
        }
    }

    @Test
    void isOwnerOnly() throws Exception {
        Path file = directory.resolve("parley.db");
        Database.open(file).close();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void migrationsRunInOrderOnceEachAndAFailedOneLeavesNoTrace() {
        Path file = directory.resolve("parley.db");
        List<Migration> first = List.of(new Migration(1, "CREATE TABLE a (x INTEGER)"));
        try (Database database = Database.open(file, first)) {
            assertEquals(1, database.userVersion());
        }
        List<Migration> broken = List.of(first.get(0),
                new Migration(2, "CREATE TABLE b (x INTEGER)", "THIS IS NOT SQL"));
        assertThrows(StoreException.class, () -> Database.open(file, broken));
        List<Migration> fixed = List.of(first.get(0), new Migration(2, "CREATE TABLE b (x INTEGER)"));
        try (Database database = Database.open(file, fixed)) {
            assertEquals(2, database.userVersion(), "table b was rolled back with the failed step");
        }
    }

    @Test
    void aDatabaseFromANewerParleyIsRefusedWithTheVersions() {
        Path file = directory.resolve("parley.db");
        try (Database database = Database.open(file, List.of(new Migration(1, "CREATE TABLE a (x)"),
                new Migration(99, "CREATE TABLE b (x)")))) {
            assertEquals(99, database.userVersion());
        }
        StoreException error = assertThrows(StoreException.class, () -> Database.open(file));
        assertTrue(error.getMessage().contains("newer Parley (schema 99, this build knows " + Schema.latestVersion()),
                error.getMessage());
    }

    @Test
    void aFileThatIsNotSqliteIsRefusedAndLeftAlone() throws Exception {
        Path file = directory.resolve("parley.db");
        byte[] garbage = "this is a text file, not a database\n".repeat(100).getBytes();
        Files.write(file, garbage);
        StoreException error = assertThrows(StoreException.class, () -> Database.open(file));
        assertEquals(file + " is not a Parley database", error.getMessage());
        assertArrayEquals(garbage, Files.readAllBytes(file));
    }

    @Test
    void aTransactionThatFailsChangesNothing() throws Exception {
        try (Database database = Database.open(directory.resolve("parley.db"))) {
            assertThrows(IllegalStateException.class, () -> database.inTransaction(connection -> {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO settings (key, value) VALUES ('k', x'01')")) {
                    insert.executeUpdate();
                }
                throw new IllegalStateException("boom");
            }));
            assertEquals(0, countSettings(database));
            assertTrue(database.inTransaction(connection -> KnownPeers.mostRecent(connection, 10)).isEmpty());
        }
    }

    /**
     * Commits reach the database file itself while the database stays open and the writer never
     * checkpoints (its own threshold is far off): the checkpointer thread copied the log over.
     */
    @Test
    void committedRowsReachTheDatabaseFileWithoutTheWriterCheckpointing() throws Exception {
        Path file = directory.resolve("parley.db");
        try (Database database = Database.open(file)) {
            assertTrue(Integer.parseInt(database.pragma("wal_autocheckpoint")) > 10_000,
                    "the writer checkpoints only as a backstop");
            database.inTransaction(connection -> {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO settings (key, value) VALUES (?, x'01')")) {
                    for (int i = 0; i < 50; i++) {
                        insert.setString(1, "key" + i);
                        insert.executeUpdate();
                    }
                }
                return null;
            });
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
            int inFileAlone = 0;
            while (inFileAlone < 50 && System.nanoTime() < deadline) {
                Thread.sleep(50);
                inFileAlone = settingsInFileAlone(file);
            }
            assertEquals(50, inFileAlone, "the rows are in the database file, not only in its log");
        }
    }

    @Test
    void anIdleDatabaseIsNotCheckpointedAndACommitIsOnceSoonAfter() throws Exception {
        try (Database database = Database.open(directory.resolve("parley.db"))) {
            Thread.sleep(1_000);
            assertEquals(0, database.checkpointsRun(), "nothing committed since it opened: nothing to do");
            for (int i = 0; i < 3; i++) {
                int key = i;
                database.inTransaction(connection -> {
                    try (PreparedStatement insert = connection.prepareStatement(
                            "INSERT INTO settings (key, value) VALUES (?, x'01')")) {
                        insert.setString(1, "key" + key);
                        return insert.executeUpdate();
                    }
                });
            }
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
            while (database.checkpointsRun() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(500);
            int afterCommits = database.checkpointsRun();
            assertTrue(afterCommits >= 1 && afterCommits <= 3, "checkpointed after the commits: " + afterCommits);
            Thread.sleep(1_000);
            assertEquals(afterCommits, database.checkpointsRun(), "idle again: no more checkpoints");
        }
    }

    /** The settings rows a copy of the database file holds without its write-ahead log. */
    private int settingsInFileAlone(Path file) throws Exception {
        Path copy = directory.resolve("copy-" + System.nanoTime() + ".db");
        Files.copy(file, copy);
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection("jdbc:sqlite:" + copy);
             PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM settings WHERE key <> 'sealed-places'");
             ResultSet rows = count.executeQuery()) {
            return rows.next() ? rows.getInt(1) : 0;
        } catch (SQLException e) {
            return 0; // copied while the checkpointer was writing it: try again
        }
    }

    private static int countSettings(Database database) {
        return database.inTransaction(connection -> {
            try (PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM settings WHERE key <> 'sealed-places'");
                 ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            } catch (SQLException e) {
                throw e;
            }
        });
    }
}
