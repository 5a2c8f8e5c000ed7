package org.parley.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link StorageQueue} on a thread of its own that commits whatever has queued up meanwhile in
 * one transaction: under load one disk sync serves many messages, idle it costs one sync per
 * piece of work. Each piece runs under its own savepoint, so one failure rolls back only itself.
 * Of the {@code latest} writes of pieces that share a key and succeeded, only the last runs: a
 * burst of messages to one peer writes its session once per transaction, not once per message.
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
        return enqueue(new Pending<>(work, null, null, new CompletableFuture<>()));
    }

    @Override
    public <T> CompletableFuture<T> submit(Database.Work<T> work, Object key, Database.Work<?> latest) {
        return enqueue(new Pending<>(work, key, latest, new CompletableFuture<>()));
    }

    private <T> CompletableFuture<T> enqueue(Pending<T> pending) {
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

    /** Finishes what is queued, then stops the thread. */
    @Override
    public void close() {
        closing = true;
        queue.add(new Pending<>(connection -> null, null, null, new CompletableFuture<>()));
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Outcome(boolean succeeded, Runnable completion) {
    }

    private record Pending<T>(Database.Work<T> work, Object key, Database.Work<?> latest, CompletableFuture<T> result) {
        /** Runs the work; returns whether it succeeded and what to do once the whole batch has committed. */
        Outcome runUnderSavepoint(Connection connection) throws SQLException {
            Savepoint savepoint = connection.setSavepoint();
            try {
                T value = work.run(connection);
                connection.releaseSavepoint(savepoint);
                return new Outcome(true, () -> result.complete(value));
            } catch (SQLException | RuntimeException e) {
                connection.rollback(savepoint);
                connection.releaseSavepoint(savepoint);
                return new Outcome(false, () -> result.completeExceptionally(e));
            }
        }
    }
}
