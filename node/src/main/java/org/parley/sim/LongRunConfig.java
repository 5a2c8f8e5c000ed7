package org.parley.sim;

import java.time.Duration;
import java.util.Optional;

/**
 * The long-run scenario's own settings, beside the network's in {@link SimConfig} (nodes, seed,
 * links, malicious share, NATs).
 *
 * @param hours virtual hours the run measures, each one reported on its own
 * @param joinWindow the first nodes (the bootstrap nodes) start at once; every other node joins
 *                   at a moment drawn uniformly from this window (zero: all at once)
 * @param sessions how long nodes stay and stay away; empty: every node stays once it has joined
 * @param bootstrapChurn whether the bootstrap nodes come and go by {@code sessions} too
 * @param messagesPerHour topic messages published per virtual hour, evenly spaced
 * @param lookupsPerHour DHT lookups made per virtual hour, evenly spaced
 */
public record LongRunConfig(int hours, Duration joinWindow, Optional<Sessions> sessions, boolean bootstrapChurn,
                            int messagesPerHour, int lookupsPerHour) {
    /** A week: the longest record lifetime and mail hold could both run out in it. */
    public static final int MAX_HOURS = 24 * 7;

    /**
     * Session and gap lengths: a node stays online for a draw of {@code online}, is away for a
     * draw of {@code offline}, and so on.
     */
    public record Sessions(Weibull online, Weibull offline) {
    }

    public LongRunConfig {
        if (hours < 1 || hours > MAX_HOURS) {
            throw new IllegalArgumentException("--hours must be 1 to " + MAX_HOURS);
        }
        if (joinWindow.isNegative() || joinWindow.compareTo(Duration.ofHours(hours)) > 0) {
            throw new IllegalArgumentException("--join-minutes must be 0 to the length of the run");
        }
        if (bootstrapChurn && sessions.isEmpty()) {
            throw new IllegalArgumentException("--bootstrap-churn needs --sessions");
        }
        if (messagesPerHour < 1 || messagesPerHour > 3600 || lookupsPerHour < 1 || lookupsPerHour > 3600) {
            throw new IllegalArgumentException("--messages-per-hour and --lookups-per-hour must be 1 to 3600");
        }
    }

    /** Defaults: 30 minutes of joining, no churn, 60 messages and 100 lookups an hour. */
    public static LongRunConfig of(int hours) {
        return new LongRunConfig(hours, Duration.ofMinutes(30), Optional.empty(), false, 60,
                100);
    }

    public LongRunConfig withJoinWindow(Duration window) {
        return new LongRunConfig(hours, window, sessions, bootstrapChurn, messagesPerHour, lookupsPerHour);
    }

    public LongRunConfig withSessions(Weibull online, Weibull offline) {
        return new LongRunConfig(hours, joinWindow, Optional.of(new Sessions(online, offline)), bootstrapChurn,
                messagesPerHour, lookupsPerHour);
    }

    public LongRunConfig withBootstrapChurn(boolean churns) {
        return new LongRunConfig(hours, joinWindow, sessions, churns, messagesPerHour, lookupsPerHour);
    }

    public LongRunConfig withWorkload(int messages, int lookups) {
        return new LongRunConfig(hours, joinWindow, sessions, bootstrapChurn, messages, lookups);
    }
}
