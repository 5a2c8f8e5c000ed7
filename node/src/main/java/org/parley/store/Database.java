package org.parley.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.logging.Logger;
import org.sqlite.SQLiteConfig;

/**
 * A profile's SQLite database: one connection (keeping its statements compiled, see
 * {@link StatementCachingConnection}), WAL journal, foreign keys on, and the schema brought up
 * to date by {@link Schema}'s migrations when opened. Not thread-safe: the node uses
 * it from one storage thread.
 *
 * <p>{@code synchronous=NORMAL} in WAL mode: a commit is in the write-ahead log, in the operating
 * system's hands, before it returns, so a message accepted from the user survives the process
 * being killed ({@code kill -9}) at any moment. A power cut or kernel crash may roll back the last
 * commits, never corrupt the file. {@code FULL} would add a disk sync to every commit, three or
 * four of them on each message's path from send to delivered, for a failure the requirements do
 * not name.
 * The disk syncs that remain, those of checkpoints, happen on a {@link WalCheckpointer}'s thread.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Database.class.getName());
    private static final int BUSY_TIMEOUT_MILLIS = 5_000;
    /** The first bytes of every SQLite 3 file. */
    private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** How soon after a commit the write-ahead log is copied into the database file, off the writer's thread. */
    private static final long CHECKPOINT_INTERVAL_MILLIS = 200;
    /**
     * Log pages (4 KiB each) at which the writer checkpoints by itself after all: only if the
     * checkpointer falls far behind or has stopped, so that the log cannot grow without end.
     */
    private static final int WRITER_CHECKPOINT_PAGES = 16_384;

    private final Path file;
    private final Connection connection;
    private WalCheckpointer checkpointer;

    private Database(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /** Opens (creating owner-only if missing) and migrates the database at {@code file}. */
    public static Database open(Path file) {
        return open(file, Schema.MIGRATIONS);
    }

    static Database open(Path file, List<Migration> migrations) {
        checkIsSqlite(file);
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        // Otherwise the driver runs "SELECT last_insert_rowid()" after every INSERT, wanted or
        // not: a second statement on each row of the hot paths. Nothing here asks for the keys.
        config.setGetGeneratedKeys(false);
        Connection connection;
        try {
            PrivateFiles.createIfMissing(file);
            connection = new StatementCachingConnection("jdbc:sqlite:" + file, file.toString(), config.toProperties());
        } catch (IOException | SQLException e) {
            throw new StoreException("cannot open the database " + file + ": " + e.getMessage(), e);
        }
        Database database = new Database(file, connection);
        try {
            database.migrate(migrations);
            database.execute("PRAGMA wal_autocheckpoint = " + WRITER_CHECKPOINT_PAGES);
            database.checkpointer = WalCheckpointer.start(file, config.toProperties(), CHECKPOINT_INTERVAL_MILLIS);
        } catch (StoreException e) {
            database.close();
            throw e;
        }
        return database;
    }

    /**
     * Opens a migrated database that lives in memory only, for as long as it stays open: the
     * simulator gives each of its nodes one, so that they run the daemon's storage code without
     * a file each (a few hundred KiB per node instead of a file, a log and a checkpoint thread).
     * A simulated node that "restarts" keeps it open, as a daemon's file outlives its process.
     */
    public static Database inMemory() {
        SQLiteConfig config = new SQLiteConfig();
        config.enforceForeignKeys(true);
        config.setGetGeneratedKeys(false);
        Path name = Path.of(":memory:");
        Connection connection;
        try {
            connection = new StatementCachingConnection("jdbc:sqlite::memory:", ":memory:", config.toProperties());
        } catch (SQLException e) {
            throw new StoreException("cannot open a database in memory: " + e.getMessage(), e);
        }
        Database database = new Database(name, connection);
        try {
            database.migrate(Schema.MIGRATIONS);
        } catch (StoreException e) {
            database.close();
            throw e;
        }
        return database;
    }

    /** Refuses, without touching it, a file that exists and is not a SQLite database. */
    private static void checkIsSqlite(Path file) {
        try {
            if (!Files.exists(file) || Files.size(file) == 0) {
                return;
            }
            byte[] head = new byte[SQLITE_MAGIC.length];
            int read;
            try (var in = Files.newInputStream(file)) {
                read = in.readNBytes(head, 0, head.length);
            }
            if (read < head.length || !java.util.Arrays.equals(head, SQLITE_MAGIC)) {
                throw new StoreException(file + " is not a Parley database");
            }
        } catch (IOException e) {
            throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private void migrate(List<Migration> migrations) {
        int current = userVersion();
        int latest = migrations.isEmpty() ? 0 : migrations.get(migrations.size() - 1).version();
        if (current > latest) {
            throw new StoreException("the database " + file + " was written by a newer Parley (schema " + current
                    + ", this build knows " + latest + ")");
        }
        for (Migration migration : migrations) {
            if (migration.version() <= current) {
                continue;
            }
            inTransaction(connection -> {
                try (Statement statement = connection.createStatement()) {
                    for (String sql : migration.statements()) {
                        statement.execute(sql);
                    }
                    statement.execute("PRAGMA user_version = " + migration.version());
                }
                return null;
            });
            LOG.info(() -> "database schema migrated to version " + migration.version());
        }
    }

    /** Work against the connection inside one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Runs {@code work} in a transaction: all of it is committed, or none of it. */
    public <T> T inTransaction(Work<T> work) {
        try {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                if (checkpointer != null) {
                    checkpointer.committed();
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("database " + file + ": " + e.getMessage(), e);
        }
    }

    /** Checkpoints the checkpointer has run; for tests. */
    int checkpointsRun() {
        return checkpointer.checkpoints();
    }

    /** The schema version ({@code PRAGMA user_version}). */
    public int userVersion() {
        return pragmaInt("user_version");
    }

    private void execute(String sql) {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new StoreException("database " + file + ": " + e.getMessage(), e);
        }
    }

    String pragma(String name) {
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("PRAGMA " + name)) {
            return result.next() ? result.getString(1) : null;
        } catch (SQLException e) {
            String detail = e.getMessage();
            throw new StoreException(file + " is not a Parley database (" + detail + ")", e);
        }
    }

    private int pragmaInt(String name) {
        return Integer.parseInt(pragma(name));
    }

    @Override
    public void close() {
        if (checkpointer != null) {
            checkpointer.close();
        }
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.warning("closing the database: " + e.getMessage());
        }
    }
}
