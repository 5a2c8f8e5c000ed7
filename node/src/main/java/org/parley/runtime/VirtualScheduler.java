package org.parley.runtime;

import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A deterministic {@link Scheduler} and {@link Clock} on virtual time, for tests and the simulator.
 * Nothing runs until the owner calls {@link #runUntilIdle} or {@link #advance}; tasks due at the
 * same instant run in submission order, so a run replays exactly from its inputs. One instance
 * can serve many simulated nodes. Single-threaded: only the driving thread may touch it.
 */
public final class VirtualScheduler implements Scheduler, Clock {
    /**
     * Cancelled tasks kept in the queue before it is swept of them, if they are also half of it.
     * Timeouts are mostly cancelled (answers come first), and a 10,000-node run would otherwise
     * hold over a million of them, with what their tasks captured, until each fell due.
     */
    private static final int SWEEP_AT_CANCELLED = 4096;

    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private int cancelledInQueue;
    private final long epochMillis;
    private long nowNanos;
    private long sequence;
    private boolean running;

    /** Starts virtual time at {@code epochMillis} of wall time. */
    public VirtualScheduler(long epochMillis) {
        this.epochMillis = epochMillis;
    }

    @Override
    public void execute(Runnable task) {
        enqueue(nowNanos, task);
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        Task scheduled = enqueue(nowNanos + Math.max(0, delay.toNanos()), task);
        return () -> cancel(scheduled);
    }

    private void cancel(Task task) {
        if (task.done()) {
            return;
        }
        task.runnable = null;
        cancelledInQueue++;
        if (cancelledInQueue >= SWEEP_AT_CANCELLED && cancelledInQueue * 2 >= queue.size()) {
            // Same order after the sweep: tasks compare by due time, then by submission.
            queue.removeIf(Task::done);
            cancelledInQueue = 0;
        }
    }

    @Override
    public boolean inLoop() {
        return running;
    }

    @Override
    public long nowMillis() {
        return epochMillis + nowNanos / 1_000_000;
    }

    @Override
    public long monotonicNanos() {
        return nowNanos;
    }

    /** Runs every task due now, including those they submit for now. */
    public void runUntilIdle() {
        advance(Duration.ZERO);
    }

    /** Moves time forward by {@code duration}, running every task that falls due on the way. */
    public void advance(Duration duration) {
        long target = nowNanos + duration.toNanos();
        while (!queue.isEmpty() && queue.peek().dueNanos <= target) {
            Task task = queue.poll();
            nowNanos = Math.max(nowNanos, task.dueNanos);
            if (task.done()) {
                cancelledInQueue--;
            } else {
                Runnable runnable = task.runnable;
                // Taken out first: cancelling a task that has run must not count it as waiting.
                task.runnable = null;
                runOne(runnable);
            }
        }
        nowNanos = target;
    }

    /** Number of tasks waiting, some cancelled ones included (they are swept out in bulk). */
    public int pendingTasks() {
        return queue.size();
    }

    private void runOne(Runnable runnable) {
        running = true;
        try {
            runnable.run();
        } finally {
            running = false;
        }
    }

    private Task enqueue(long dueNanos, Runnable runnable) {
        Task task = new Task(dueNanos, sequence++, runnable);
        queue.add(task);
        return task;
    }

    private static final class Task implements Comparable<Task> {
        final long dueNanos;
        final long sequence;
        /** Null once the task has run or was cancelled, so that what it captured can be freed. */
        Runnable runnable;

        Task(long dueNanos, long sequence, Runnable runnable) {
            this.dueNanos = dueNanos;
            this.sequence = sequence;
            this.runnable = runnable;
        }

        /**
         * Cancelled, or run already: either way nothing is left to run. A task still in the
         * queue has not run, so there this means cancelled.
         */
        boolean done() {
            return runnable == null;
        }

        @Override
        public int compareTo(Task other) {
            int byTime = Long.compare(dueNanos, other.dueNanos);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }
}
