package org.parley.runtime;

import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * A node's single event loop. Every task runs on one logical thread, one at a time, in the order
 * submitted (delayed tasks in due order), so protocol state needs no locks. I/O threads hand their
 * events to it with {@link #execute}. Implementations: {@link EventLoop} for the real node and
 * {@link VirtualScheduler} for tests and the simulator.
 */
public interface Scheduler extends Executor {
    /** Runs {@code task} on the loop after {@code delay}; the handle cancels it if it has not run. */
    Cancellable schedule(Duration delay, Runnable task);

    /** Whether the caller is running on this loop (used to assert the threading contract). */
    boolean inLoop();

    /** A pending task that can be called off. */
    interface Cancellable {
        /** Cancels the task; a no-op when it already ran or was cancelled. */
        void cancel();
    }
}
