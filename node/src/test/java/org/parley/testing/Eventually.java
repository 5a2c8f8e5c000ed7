package org.parley.testing;

import java.time.Duration;

/**
 * The one way tests wait for what another thread, a node's loop or another process makes true:
 * ask again until it holds, and fail naming what never came. A test waits for the condition it
 * needs, never for a fixed time, so it is as quick as the machine allows and still holds when the
 * machine is slow (the timeout is generous because a loaded CI machine can be very slow).
 */
public final class Eventually {
    /** Long enough for a busy two-core machine running many nodes. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(20);

    private Eventually() {
    }

    public interface Condition {
        boolean holds() throws Exception;
    }

    /** Returns once {@code condition} holds; throws an {@link AssertionError} naming {@code what} after {@link #TIMEOUT}. */
    public static void await(Condition condition, String what) throws Exception {
        await(condition, what, TIMEOUT);
    }

    /** As {@link #await(Condition, String)}, waiting at most {@code timeout}. */
    public static void await(Condition condition, String what, Duration timeout) throws Exception {
        await(condition, what, timeout, POLL);
    }

    /** As {@link #await(Condition, String, Duration)}, asking every {@code poll} (for a test that times what it waits for). */
    public static void await(Condition condition, String what, Duration timeout, Duration poll) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(poll.toMillis());
        }
    }
}
