package org.parley.link.relay;

import java.time.Duration;
import java.util.Optional;
import org.parley.runtime.Clock;

/**
 * What one circuit may still carry: bytes per second (a bucket holding one second's worth, which
 * may run into debt and then makes the splice wait), bytes in all, and time. Both directions of
 * the circuit charge it, from the transport's threads, hence the locking.
 */
public final class CircuitBudget {
    private final Clock clock;
    private final double bytesPerNano;
    private final double burst;
    private final long maxBytes;
    private final long deadlineNanos;
    private final Duration maxDuration;
    private double tokens;
    private long lastRefillNanos;
    private long carried;

    public CircuitBudget(Clock clock, RelayLimits limits) {
        this.clock = clock;
        this.bytesPerNano = limits.bytesPerSecond() / 1e9;
        this.burst = limits.bytesPerSecond();
        this.maxBytes = limits.maxCircuitBytes();
        this.maxDuration = limits.maxCircuitDuration();
        this.lastRefillNanos = clock.monotonicNanos();
        this.deadlineNanos = lastRefillNanos + limits.maxCircuitDuration().toNanos();
        this.tokens = burst;
    }

    /** The outcome of charging a chunk: how long to wait before carrying more, or why the circuit is spent. */
    public record Charge(Duration delay, Optional<String> spent) {
        static Charge waitFor(Duration wait) {
            return new Charge(wait, Optional.empty());
        }

        static Charge exhausted(String reason) {
            return new Charge(Duration.ZERO, Optional.of(reason));
        }
    }

    /** Charges {@code bytes} that are about to be forwarded. */
    public synchronized Charge charge(int bytes) {
        long now = clock.monotonicNanos();
        if (now >= deadlineNanos) {
            return Charge.exhausted("circuit reached its " + maxDuration.toSeconds() + " s limit");
        }
        carried += bytes;
        if (carried > maxBytes) {
            return Charge.exhausted("circuit reached its " + maxBytes + " byte limit");
        }
        tokens = Math.min(burst, tokens + (now - lastRefillNanos) * bytesPerNano);
        lastRefillNanos = now;
        tokens -= bytes;
        if (tokens >= 0) {
            return Charge.waitFor(Duration.ZERO);
        }
        return Charge.waitFor(Duration.ofNanos((long) Math.ceil(-tokens / bytesPerNano)));
    }

    /** Time left before the circuit reaches its duration limit. */
    public synchronized Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadlineNanos - clock.monotonicNanos()));
    }

    public synchronized long carried() {
        return carried;
    }
}
