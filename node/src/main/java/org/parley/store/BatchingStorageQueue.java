package org.parley.store;

import java.util.concurrent.CompletableFuture;
import org.parley.store.StorageBatch.Pending;

/**
 * What the daemon's and the simulator's batching queues share: each piece of work becomes a
 * {@link Pending} entry of the next batch, and work submitted after the queue closed fails at once.
 * How and when a batch commits is the subclass's.
 */
abstract class BatchingStorageQueue implements StorageQueue {
    @Override
    public final <T> CompletableFuture<T> submit(Database.Work<T> work) {
        return enqueue(Pending.of(work));
    }

    @Override
    public final <T> CompletableFuture<T> submit(Database.Work<T> work, Object key, Database.Work<?> latest) {
        return enqueue(Pending.of(work, key, latest));
    }

    private <T> CompletableFuture<T> enqueue(Pending<T> pending) {
        if (isClosed()) {
            pending.result().completeExceptionally(new StoreException("the database is closed"));
        } else {
            accept(pending);
        }
        return pending.result();
    }

    /** True once the queue takes no more work. */
    abstract boolean isClosed();

    /** Queues a piece of work for a later commit (or, as the subclass says, commits it). */
    abstract void accept(Pending<?> pending);
}
