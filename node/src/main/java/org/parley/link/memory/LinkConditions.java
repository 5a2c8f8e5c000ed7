package org.parley.link.memory;

import java.time.Duration;
import org.parley.runtime.Clock;
import org.parley.runtime.Rng;

/**
 * How the in-memory medium treats frames: a latency drawn uniformly from a range, and a chance
 * that a frame's packets are lost. Parley's links are streams over TCP, so a lost packet does not
 * lose the frame: it is sent again after a retransmission timeout (doubling each time it is lost
 * again), and the frames behind it wait, since a stream keeps its order. Draws come from the
 * given {@link Rng}, so a seeded run replays exactly.
 */
public final class LinkConditions {
    /** TCP's floor for the retransmission timeout (RFC 6298 allows 1 s; Linux uses 200 ms). */
    static final long MIN_RETRANSMIT_NANOS = 200_000_000L;
    private static final LinkConditions PERFECT = new LinkConditions(Duration.ZERO, Duration.ZERO, 0, null, null);

    private final long minLatencyNanos;
    private final long maxLatencyNanos;
    private final double loss;
    private final Rng rng;
    private final Clock clock;

    private LinkConditions(Duration minLatency, Duration maxLatency, double loss, Rng rng, Clock clock) {
        if (minLatency.isNegative() || maxLatency.compareTo(minLatency) < 0) {
            throw new IllegalArgumentException("latency range must be 0 <= min <= max");
        }
        if (!(loss >= 0 && loss < 1)) {
            throw new IllegalArgumentException("loss must be in [0, 1)");
        }
        this.minLatencyNanos = minLatency.toNanos();
        this.maxLatencyNanos = maxLatency.toNanos();
        this.loss = loss;
        this.rng = rng;
        this.clock = clock;
    }

    /** Every frame arrives, at once. */
    public static LinkConditions perfect() {
        return PERFECT;
    }

    /** Latency in {@code [minLatency, maxLatency]} and loss probability {@code loss}, on {@code clock}. */
    public static LinkConditions of(Duration minLatency, Duration maxLatency, double loss, Rng rng, Clock clock) {
        return new LinkConditions(minLatency, maxLatency, loss, rng, clock);
    }

    boolean isPerfect() {
        return rng == null;
    }

    /**
     * When a frame sent now arrives, in the clock's nanoseconds, given when the previous frame on
     * the same link arrives: never before it.
     */
    long arrival(long previousArrivalNanos) {
        return arrival(previousArrivalNanos, 1, 0);
    }

    /**
     * When a frame sent now arrives after {@code hops} legs (two through a relay), each with its own
     * latency and losses, held back {@code heldNanos} on the way (a relay's rate limit), and never
     * before {@code previousArrivalNanos}.
     */
    long arrival(long previousArrivalNanos, int hops, long heldNanos) {
        long latency = heldNanos;
        for (int hop = 0; hop < hops; hop++) {
            latency += legLatency();
        }
        return Math.max(previousArrivalNanos, clock.monotonicNanos() + latency);
    }

    private long legLatency() {
        long latency = minLatencyNanos;
        if (maxLatencyNanos > minLatencyNanos) {
            latency += rng.nextLong(maxLatencyNanos - minLatencyNanos + 1);
        }
        long timeout = Math.max(MIN_RETRANSMIT_NANOS, 2 * maxLatencyNanos);
        while (loss > 0 && rng.nextDouble() < loss) {
            latency += timeout;
            timeout *= 2;
        }
        return latency;
    }

    long nowNanos() {
        return clock.monotonicNanos();
    }
}
