package org.parley.link;

import java.time.Duration;
import org.parley.runtime.Rng;

/**
 * Exponential backoff with "equal jitter": the n-th retry waits a uniform time in
 * [d/2, d] where d = min(max, initial * 2^n). The jitter keeps a crowd of peers that lost the same
 * neighbour from redialing it in lockstep; the floor keeps a single peer from hammering it.
 */
public record Backoff(Duration initial, Duration max) {
    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max");
        }
    }

    public Duration delay(int attempt, Rng rng) {
        long ceiling = initial.toMillis();
        for (int i = 0; i < attempt && ceiling < max.toMillis(); i++) {
            ceiling *= 2;
        }
        ceiling = Math.min(ceiling, max.toMillis());
        long half = ceiling / 2;
        return Duration.ofMillis(half + rng.nextLong(ceiling - half + 1));
    }

    /** The attempt number from which the delay is at its maximum. */
    public int attemptsToMax() {
        int attempts = 0;
        for (long ceiling = initial.toMillis(); ceiling < max.toMillis(); ceiling *= 2) {
            attempts++;
        }
        return attempts;
    }
}
