package org.parley.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.logging.Logger;
import org.parley.store.StorageBatch.Pending;

/**
 * A {@link StorageQueue} on a thread of its own that commits whatever has queued up meanwhile in
 * one transaction ({@link StorageBatch}): under load one disk sync serves many messages, idle it
 * costs one sync per piece of work. A burst of messages to one peer writes its session once per
 * transaction, not once per message. Futures complete on the storage thread, once their batch
 * has committed (see {@link StorageQueue}).
 */
public final class GroupCommitQueue extends BatchingStorageQueue implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(GroupCommitQueue.class.getName());

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
    boolean isClosed() {
        return closing;
    }

    @Override
    void accept(Pending<?> pending) {
        queue.add(pending);
    }

    private void run() {
        List<Pending<?>> batch = new ArrayList<>();
        while (!closing || !queue.isEmpty()) {
            try {
                Pending<?> first = queue.take();
                batch.add(first);
                queue.drainTo(batch, StorageBatch.MAX_SIZE - 1);
                StorageBatch.commit(database, batch, () -> { });
            } catch (InterruptedException e) {
                if (!closing) {
                    LOG.warning("storage thread interrupted");
                }
            } finally {
                batch.clear();
            }
        }
    }

    /** Finishes what is queued, then stops the thread. */
    @Override
    public void close() {
        closing = true;
        queue.add(Pending.of(connection -> null));
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
