package org.parley.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How a batching {@link StorageQueue} commits the pieces of work that queued up: all in one
 * transaction, each under its own savepoint so that one failure rolls back only itself; of the
 * {@code latest} writes of pieces that share a key and succeeded, only the last runs. The
 * daemon's {@link GroupCommitQueue} and the simulator's {@link SimulatedStorageQueue} both commit
 * through here, so the simulator batches exactly as the daemon does.
 */
final class StorageBatch {
    private static final Logger LOG = Logger.getLogger(StorageBatch.class.getName());
    /** Bounds a transaction's size, so that a backlog still commits in steady steps. */
    static final int MAX_SIZE = 512;
    private static final String SET_SAVEPOINT = "SAVEPOINT batch_piece";
    private static final String RELEASE_SAVEPOINT = "RELEASE batch_piece";
    private static final String ROLLBACK_TO_SAVEPOINT = "ROLLBACK TO batch_piece";

    private StorageBatch() {
    }

    /** A piece of work waiting for its transaction. */
    record Pending<T>(Database.Work<T> work, Object key, Database.Work<?> latest, CompletableFuture<T> result) {
        static <T> Pending<T> of(Database.Work<T> work) {
            return new Pending<>(work, null, null, new CompletableFuture<>());
        }

        static <T> Pending<T> of(Database.Work<T> work, Object key, Database.Work<?> latest) {
            return new Pending<>(work, key, latest, new CompletableFuture<>());
        }

        /** Runs the work; returns whether it succeeded and what to do once the whole batch has committed. */
        Outcome runUnderSavepoint(Connection connection) throws SQLException {
            run(connection, SET_SAVEPOINT);
            try {
                T value = work.run(connection);
                run(connection, RELEASE_SAVEPOINT);
                return new Outcome(true, () -> result.complete(value));
            } catch (SQLException | RuntimeException e) {
                run(connection, ROLLBACK_TO_SAVEPOINT);
                run(connection, RELEASE_SAVEPOINT);
                return new Outcome(false, () -> result.completeExceptionally(e));
            }
        }
    }

    /**
     * Runs a savepoint statement, compiled once on the connection. The driver's own
     * {@code setSavepoint} names each savepoint afresh (a formatted string) and compiles its SQL
     * every time: two compilations per piece of work, as many as the piece's own statements. The
     * pieces of a batch run one after another, each savepoint released before the next is set, so
     * one name serves them all.
     */
    private static void run(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.execute();
        }
    }

    private record Outcome(boolean succeeded, Runnable completion) {
    }

    /**
     * Commits {@code batch} in one transaction, then completes each piece's future on the calling
     * thread. {@code beforeCommit} runs last inside the transaction: the simulator makes a commit
     * fail there. When the transaction fails, every piece's future fails with the error.
     */
    static void commit(Database database, List<Pending<?>> batch, Runnable beforeCommit) {
        List<Runnable> completions = new ArrayList<>(batch.size());
        try {
            database.inTransaction(connection -> {
                // Per key, the latest write of the last piece that succeeded, in the order of those pieces.
                Map<Object, Database.Work<?>> latest = new LinkedHashMap<>();
                for (Pending<?> pending : batch) {
                    if (pending.key == null) {
                        write(latest, connection);
                    }
                    Outcome outcome = pending.runUnderSavepoint(connection);
                    if (outcome.succeeded() && pending.key != null) {
                        latest.remove(pending.key);
                        latest.put(pending.key, pending.latest);
                    }
                    completions.add(outcome.completion());
                }
                write(latest, connection);
                beforeCommit.run();
                return null;
            });
        } catch (StoreException e) {
            LOG.log(Level.SEVERE, "a storage batch failed to commit", e);
            batch.forEach(pending -> pending.result.completeExceptionally(e));
            return;
        }
        completions.forEach(Runnable::run);
    }

    private static void write(Map<Object, Database.Work<?>> latest, Connection connection) throws SQLException {
        for (Database.Work<?> write : latest.values()) {
            write.run(connection);
        }
        latest.clear();
    }
}
