package org.parley.it;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/**
 * Where a test's time goes: each wait, command and daemon start that took a while, with the time
 * of day and how long, on standard error (the test's output file under surefire-reports).
 */
final class Steps {
    /** Shorter steps are not worth a line. */
    private static final long WORTH_SAYING_NANOS = 500_000_000L;

    private Steps() {
    }

    static void took(String step, long startNanos) {
        long nanos = System.nanoTime() - startNanos;
        if (nanos >= WORTH_SAYING_NANOS) {
            System.err.printf("%s [step] %s: %.1f s%n", LocalTime.now().truncatedTo(ChronoUnit.MILLIS), step,
                    nanos / 1e9);
        }
    }
}
