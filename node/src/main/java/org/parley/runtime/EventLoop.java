package org.parley.runtime;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The real node's {@link Scheduler}: one daemon thread. A task that throws is logged and the loop
 * goes on, so one bad event cannot stop the node.
 */
public final class EventLoop implements Scheduler, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EventLoop.class.getName());

    private final ScheduledThreadPoolExecutor executor;
    private volatile Thread loopThread;

    public EventLoop(String name) {
        this.executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            loopThread = thread;
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public void execute(Runnable task) {
        try {
            executor.execute(guarded(task));
        } catch (RejectedExecutionException e) {
            // I/O threads may still report events while the node shuts down; nobody is listening.
            LOG.fine("event loop closed; dropping a late task");
        }
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        try {
            ScheduledFuture<?> future = executor.schedule(guarded(task), delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> future.cancel(false);
        } catch (RejectedExecutionException e) {
            LOG.fine("event loop closed; dropping a late timer");
            return () -> { };
        }
    }

    @Override
    public boolean inLoop() {
        return Thread.currentThread() == loopThread;
    }

    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.log(Level.SEVERE, "task on the event loop failed", e);
            }
        };
    }

    /** Stops accepting tasks and waits briefly for the running one to finish. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
