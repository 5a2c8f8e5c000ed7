package org.parley.store;

import java.util.concurrent.CompletableFuture;

/**
 * A {@link StorageQueue} that runs each piece of work at once, on the caller's thread, in its own
 * transaction: for the deterministic simulator and tests, where no other thread may run.
 */
public final class InlineStorageQueue implements StorageQueue {
    private final Database database;

    public InlineStorageQueue(Database database) {
        this.database = database;
    }

    @Override
    public <T> CompletableFuture<T> submit(Database.Work<T> work) {
        try {
            return CompletableFuture.completedFuture(database.inTransaction(work));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
