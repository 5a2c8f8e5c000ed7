package org.parley.cli;

import java.time.Duration;
import java.util.Optional;
import org.parley.sim.LongRunConfig;
import org.parley.sim.Weibull;
import picocli.CommandLine.Option;

/** The options of {@code parley sim}'s long run: hours of virtual time, joining over time, sessions. */
final class LongRunOptions {
    static final String DEFAULT_GAPS = "0.5,30";

    @Option(names = "--hours", paramLabel = "H",
            description = "Run the long-run scenario instead: H virtual hours, nodes joining over time (and coming "
                    + "and going with --sessions), messages and lookups every hour, figures per hour (1-"
                    + LongRunConfig.MAX_HOURS + ").")
    Integer hours;

    @Option(names = "--join-minutes", paramLabel = "M",
            description = "With --hours: the nodes but the bootstrap ones join at moments spread uniformly over "
                    + "the first M virtual minutes (default: 30; 0: all at once).")
    Double joinMinutes;

    @Option(names = "--sessions", paramLabel = "SHAPE,SCALE_MINUTES",
            description = "With --hours: every node but the bootstrap ones stays online for session lengths drawn "
                    + "from a Weibull distribution of this shape and scale, like 0.5,60, and stays away for "
                    + "--gaps in between. Without it nodes stay once they joined.")
    String sessions;

    @Option(names = "--gaps", paramLabel = "SHAPE,SCALE_MINUTES",
            description = "With --sessions: the Weibull distribution of the time away between sessions (default: "
                    + DEFAULT_GAPS + ").")
    String gaps;

    @Option(names = "--bootstrap-churn", description = "With --sessions: the bootstrap nodes come and go too.")
    boolean bootstrapChurn;

    @Option(names = "--messages-per-hour", paramLabel = "X",
            description = "With --hours: topic messages published per virtual hour (default: 60).")
    Integer messagesPerHour;

    @Option(names = "--lookups-per-hour", paramLabel = "X",
            description = "With --hours: DHT lookups per virtual hour (default: 100).")
    Integer lookupsPerHour;

    /**
     * The settings asked for; empty when no long run was.
     *
     * @throws IllegalArgumentException for impossible ones, or a long-run option without {@code --hours}
     */
    Optional<LongRunConfig> config() {
        if (hours == null) {
            if (joinMinutes != null || sessions != null || gaps != null || bootstrapChurn || messagesPerHour != null
                    || lookupsPerHour != null) {
                throw new IllegalArgumentException("--join-minutes, --sessions, --gaps, --bootstrap-churn, "
                        + "--messages-per-hour and --lookups-per-hour need --hours");
            }
            return Optional.empty();
        }
        if (hours < 1 || hours > LongRunConfig.MAX_HOURS) {
            throw new IllegalArgumentException("--hours must be 1 to " + LongRunConfig.MAX_HOURS);
        }
        LongRunConfig config = LongRunConfig.of(hours);
        if (joinMinutes != null) {
            if (!(joinMinutes >= 0 && joinMinutes <= 60.0 * hours)) {
                throw new IllegalArgumentException("--join-minutes must be 0 to the length of the run");
            }
            config = config.withJoinWindow(Duration.ofMillis(Math.round(joinMinutes * 60_000)));
        }
        if (sessions == null && gaps != null) {
            throw new IllegalArgumentException("--gaps needs --sessions");
        }
        if (sessions != null) {
            config = config.withSessions(Weibull.parse(sessions), Weibull.parse(gaps == null ? DEFAULT_GAPS : gaps));
        }
        config = config.withBootstrapChurn(bootstrapChurn);
        return Optional.of(config.withWorkload(messagesPerHour == null ? config.messagesPerHour() : messagesPerHour,
                lookupsPerHour == null ? config.lookupsPerHour() : lookupsPerHour));
    }
}
