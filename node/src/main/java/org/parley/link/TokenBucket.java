package org.parley.link;

import java.time.Duration;
import org.parley.runtime.Clock;

/** A token bucket on the node's clock: {@code ratePerSecond} tokens a second, at most {@code burst}. */
public final class TokenBucket {
    private final Clock clock;
    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long lastRefillNanos;

    public TokenBucket(Clock clock, double ratePerSecond, double burst) {
        this.clock = clock;
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.lastRefillNanos = clock.monotonicNanos();
    }

    /** Takes one token if there is one. */
    public boolean tryTake() {
        refill();
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** How long until a token is there to take; zero when one is there now. */
    public Duration timeUntilToken() {
        refill();
        if (tokens >= 1) {
            return Duration.ZERO;
        }
        return Duration.ofNanos((long) Math.ceil((1 - tokens) / ratePerNano));
    }

    private void refill() {
        long now = clock.monotonicNanos();
        tokens = Math.min(burst, tokens + (now - lastRefillNanos) * ratePerNano);
        lastRefillNanos = now;
    }
}
