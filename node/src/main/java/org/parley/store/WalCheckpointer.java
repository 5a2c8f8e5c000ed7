package org.parley.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * Copies a database's write-ahead log back into the database file on a thread of its own, over a
 * connection of its own, so that the writer never does it.
 *
 * <p>Why: SQLite's automatic checkpoint runs inside whichever commit makes the log cross its
 * threshold, and a checkpoint syncs the disk, which takes milliseconds and now and then a tenth
 * of a second. On the storage thread every message queued behind that commit waited for it
 * (measured: most of the send-to-delivered latency at 1,000 messages per second). A passive
 * checkpoint takes no lock the writer needs, so commits go on while it runs. Durability is the
 * same: commits are in the log before they return, as before.
 */
final class WalCheckpointer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WalCheckpointer.class.getName());

    private final Path file;
    private final Connection connection;
    private final long intervalMillis;
    private final Thread thread;
    /** Whether anything was committed since the last checkpoint began. Guarded by this. */
    private boolean dirty;
    private int checkpoints;

    private WalCheckpointer(Path file, Connection connection, long intervalMillis) {
        this.file = file;
        this.connection = connection;
        this.intervalMillis = intervalMillis;
        this.thread = new Thread(this::run, "parley-checkpoint");
        thread.setDaemon(true);
    }

    /**
     * Starts checkpointing {@code file} at most every {@code intervalMillis} while commits come,
     * over a connection opened with {@code properties}.
     */
    static WalCheckpointer start(Path file, Properties properties, long intervalMillis) {
        Connection connection;
        try {
            connection = DriverManager.getConnection("jdbc:sqlite:" + file, properties);
        } catch (SQLException e) {
            throw new StoreException("cannot open the checkpointer of " + file + ": " + e.getMessage(), e);
        }
        WalCheckpointer checkpointer = new WalCheckpointer(file, connection, intervalMillis);
        checkpointer.thread.start();
        return checkpointer;
    }

    /**
     * Called after each commit: a checkpoint follows within the interval. An idle node's
     * checkpointer sleeps until then instead of waking the machine every interval.
     */
    void committed() {
        synchronized (this) {
            if (!dirty) {
                dirty = true;
                notifyAll();
            }
        }
    }

    /** Checkpoints run so far; for tests. */
    int checkpoints() {
        synchronized (this) {
            return checkpoints;
        }
    }

    private void run() {
        try (Statement statement = connection.createStatement()) {
            while (true) {
                synchronized (this) {
                    while (!dirty) {
                        wait();
                    }
                }
                // Commits that come meanwhile share this checkpoint; those during it wake the next.
                Thread.sleep(intervalMillis);
                synchronized (this) {
                    dirty = false;
                }
                statement.execute("PRAGMA wal_checkpoint(PASSIVE)");
                synchronized (this) {
                    checkpoints++;
                }
            }
        } catch (InterruptedException e) {
            // Closing: the writer's last close checkpoints what is left.
        } catch (SQLException e) {
            // The writer's backstop checkpoint takes over; nothing is lost either way.
            LOG.warning("checkpointing " + file + " stopped: " + e.getMessage());
        }
    }

    /** Stops the thread and closes its connection; the writer's connection is closed after it. */
    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.warning("closing the checkpointer of " + file + ": " + e.getMessage());
        }
    }
}
