package org.parley.store;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.parley.runtime.Scheduler;
import org.parley.store.StorageBatch.Pending;

/**
 * The simulator's {@link StorageQueue}: it batches as the daemon's {@link GroupCommitQueue} does
 * (through the same {@link StorageBatch}), but in virtual time and on the node's scheduler, so a
 * run stays deterministic. A commit takes {@link #COMMIT_TIME}: the first piece of work submitted
 * to an idle queue schedules a commit that far ahead, whatever is submitted until then commits
 * with it, and what arrives while it "runs" waits for the next one, as on a disk. Futures
 * complete on the scheduler, in a task of their commit (never inside {@code submit}).
 *
 * <p>Until {@link #loaded()}, while the node's layers load their state (each blocks on its read,
 * "before the loop serves anything"), the queue commits each piece at once on the caller's
 * thread instead: on the daemon that read waits for the storage thread in real time, before the
 * loop runs; here no virtual time could pass while the caller waits.
 *
 * <p>For tests of what a node does when its disk misbehaves, a commit can be made to fail
 * ({@link #failNextCommit()}: the transaction rolls back and every piece of its batch fails, as
 * when SQLite reports an I/O error) or to be slow ({@link #slowNextCommit(Duration)}).
 */
public final class SimulatedStorageQueue extends BatchingStorageQueue implements AutoCloseable {
    /** Virtual time one commit takes: about one disk sync. */
    public static final Duration COMMIT_TIME = Duration.ofMillis(2);

    private final Database database;
    private final Scheduler scheduler;
    private final Duration commitTime;
    private final ArrayDeque<Pending<?>> queue = new ArrayDeque<>();
    private Scheduler.Cancellable nextCommit;
    private int failingCommits;
    private Duration stall = Duration.ZERO;
    private boolean loading = true;
    private boolean closed;
    private long commits;
    private int largestBatch;

    public SimulatedStorageQueue(Database database, Scheduler scheduler) {
        this(database, scheduler, COMMIT_TIME);
    }

    public SimulatedStorageQueue(Database database, Scheduler scheduler, Duration commitTime) {
        this.database = database;
        this.scheduler = scheduler;
        this.commitTime = commitTime;
    }

    @Override
    boolean isClosed() {
        return closed;
    }

    @Override
    void accept(Pending<?> pending) {
        queue.add(pending);
        if (loading) {
            commitQueued();
        } else if (nextCommit == null) {
            nextCommit = scheduler.schedule(commitTime, this::commitBatch);
        }
    }

    /** The node has loaded its state: from now on work is batched and committed in virtual time. */
    public void loaded() {
        loading = false;
    }

    /** The next commit fails: its transaction rolls back and each piece of its batch fails. */
    public void failNextCommit() {
        failingCommits++;
    }

    /** The next commit takes {@code extra} longer (a disk stall); work keeps queuing meanwhile. */
    public void slowNextCommit(Duration extra) {
        stall = stall.plus(extra);
    }

    /** Transactions committed (or failed) so far. */
    public long commits() {
        return commits;
    }

    /** The most pieces of work one transaction held so far. */
    public int largestBatch() {
        return largestBatch;
    }

    private void commitBatch() {
        if (!stall.isZero()) {
            Duration extra = stall;
            stall = Duration.ZERO;
            nextCommit = scheduler.schedule(extra, this::commitBatch);
            return;
        }
        nextCommit = null;
        commitQueued();
        if (!queue.isEmpty()) {
            nextCommit = scheduler.schedule(commitTime, this::commitBatch);
        }
    }

    private void commitQueued() {
        List<Pending<?>> batch = new ArrayList<>();
        while (!queue.isEmpty() && batch.size() < StorageBatch.MAX_SIZE) {
            batch.add(queue.poll());
        }
        if (batch.isEmpty()) {
            return;
        }
        commits++;
        largestBatch = Math.max(largestBatch, batch.size());
        boolean fail = failingCommits > 0;
        if (fail) {
            failingCommits--;
        }
        StorageBatch.commit(database, batch, () -> {
            if (fail) {
                throw new StoreException("simulated commit failure");
            }
        });
    }

    /**
     * Commits what is queued at once, on the caller (the scheduler's thread), then refuses new
     * work: as the daemon's queue finishes its backlog when the node stops.
     */
    @Override
    public void close() {
        if (nextCommit != null) {
            nextCommit.cancel();
            nextCommit = null;
        }
        while (!queue.isEmpty()) {
            commitQueued();
        }
        closed = true;
    }
}
