package org.parley.store;

import java.util.concurrent.CompletableFuture;

/**
 * The one way into a node's database. Each piece of work runs in a transaction of its own (or a
 * savepoint within a shared one) and completes its future only once committed, so a caller acts
 * on the outcome (an acknowledgement, an answer to the user) only when it is durable.
 */
public interface StorageQueue {
    <T> CompletableFuture<T> submit(Database.Work<T> work);
}
