package org.parley.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link StorageQueue} on a thread of its own that commits whatever has queued up meanwhile in
 * one transaction: under load one disk sync serves many messages, idle it costs one sync per
 * piece of work. Each piece runs under its own savepoint, so one failure rolls back only itself.
 */
public final class GroupCommitQueue implements StorageQueue, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(GroupCommitQueue.class.getName());
    /** Bounds a transaction's size, so that a backlog still commits in steady steps. */
    private static final int MAX_BATCH = 512;

    private final Database database;
    private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closing;

    public GroupCommitQueue(Database database) {
        this.database = database;
        this.thread = new Thread(this::run, "parley-storage");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public <T> CompletableFuture<T> submit(Database.Work<T> work) {
        Pending<T> pending = new Pending<>(work, new CompletableFuture<>());
        if (closing) {
            pending.result.completeExceptionally(new StoreException("the database is closed"));
        } else {
            queue.add(pending);
        }
        return pending.result;
    }

    private void run() {
        List<Pending<?>> batch = new ArrayList<>();
        while (!closing || !queue.isEmpty()) {
            try {
                Pending<?> first = queue.take();
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                commit(batch);
            } catch (InterruptedException e) {
                if (!closing) {
                    LOG.warning("storage thread interrupted");
                }
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<Pending<?>> batch) {
        List<Runnable> completions = new ArrayList<>(batch.size());
        try {
            database.inTransaction(connection -> {
                for (Pending<?> pending : batch) {
                    completions.add(pending.runUnderSavepoint(connection));
                }
                return null;
            });
        } catch (StoreException e) {
            LOG.log(Level.SEVERE, "a storage batch failed to commit", e);
            batch.forEach(pending -> pending.result.completeExceptionally(e));
            return;
        }
        completions.forEach(Runnable::run);
    }

    /** Finishes what is queued, then stops the thread. */
    @Override
    public void close() {
        closing = true;
        queue.add(new Pending<>(connection -> null, new CompletableFuture<>()));
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Pending<T>(Database.Work<T> work, CompletableFuture<T> result) {
        /** Runs the work; returns what to do once the whole batch has committed. */
        Runnable runUnderSavepoint(Connection connection) throws SQLException {
            Savepoint savepoint = connection.setSavepoint();
            try {
                T value = work.run(connection);
                connection.releaseSavepoint(savepoint);
                return () -> result.complete(value);
            } catch (SQLException | RuntimeException e) {
                connection.rollback(savepoint);
                connection.releaseSavepoint(savepoint);
                return () -> result.completeExceptionally(e);
            }
        }
    }
}
