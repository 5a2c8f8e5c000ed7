package org.parley.store;

import java.util.concurrent.CompletableFuture;

/**
 * The one way into a node's database. Each piece of work runs in a transaction of its own (or a
 * savepoint within a shared one) and completes its future only once committed, so a caller acts
 * on the outcome (an acknowledgement, an answer to the user) only when it is durable.
 *
 * <p><b>Which thread completes a future</b> depends on the implementation, so a caller that
 * touches loop-owned state in a continuation must hop back to its loop
 * ({@code whenCompleteAsync(..., loop)}), never rely on the completing thread:
 * <ul>
 *   <li>{@link GroupCommitQueue} (the daemon): the storage thread ({@code parley-storage}), after
 *       the batch's transaction committed; never the submitting thread.</li>
 *   <li>{@link SimulatedStorageQueue} (the simulator): the node's scheduler, in the task of the
 *       commit at a later virtual time; never inside {@code submit}. Only while the node loads
 *       its state, before {@link SimulatedStorageQueue#loaded()}: the caller's thread, before
 *       {@code submit} returns.</li>
 *   <li>{@link InlineStorageQueue} (unit tests): the caller's thread, before {@code submit}
 *       returns.</li>
 * </ul>
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
