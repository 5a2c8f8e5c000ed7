package org.parley.tui.app;

import java.time.Duration;

/** How long to wait before each attempt to reach the node again: doubling from one second up to thirty. */
final class Backoff {
    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(30);

    private int failures;

    /** The wait before the next attempt, counting one more failure. */
    Duration next() {
        Duration delay = FIRST.multipliedBy(1L << Math.min(failures, 5));
        failures++;
        return delay.compareTo(MAX) > 0 ? MAX : delay;
    }

    void reset() {
        failures = 0;
    }

    int failures() {
        return failures;
    }
}
