package org.parley.store;

import java.util.concurrent.CompletableFuture;

/**
 * The one way into a node's database. Each piece of work runs in a transaction of its own (or a
 * savepoint within a shared one) and completes its future only once committed, so a caller acts
 * on the outcome (an acknowledgement, an answer to the user) only when it is durable.
 */
public interface StorageQueue {
    <T> CompletableFuture<T> submit(Database.Work<T> work);

    /**
     * As {@link #submit(Database.Work)}, with {@code latest}: a write of which only the newest
     * counts, such as a session's state after each message it encrypted. Among pieces of work
     * with the same {@code key} committed in one transaction, only the last one's {@code latest}
     * runs, after them and before any piece of work submitted without a key; its future completes
     * once that too is committed. Each piece still commits with the state it needs or a newer one.
     */
    default <T> CompletableFuture<T> submit(Database.Work<T> work, Object key, Database.Work<?> latest) {
        return submit(connection -> {
            T value = work.run(connection);
            latest.run(connection);
            return value;
        });
    }
}
