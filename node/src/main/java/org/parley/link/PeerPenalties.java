package org.parley.link;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.parley.identity.PeerId;
import org.parley.runtime.Clock;

/**
 * Misbehaviour points per peer, and the bans they lead to. Points decay over time so that an
 * occasional slip is forgiven while a sustained pattern crosses the limit. Both tables are bounded,
 * because a flood of fresh identities must not grow memory without limit. Confined to the loop.
 */
final class PeerPenalties {
    private static final int MAX_TRACKED = 10_000;

    private final Clock clock;
    private final LinkConfig config;
    private final Map<PeerId, Score> scores = boundedMap();
    private final Map<PeerId, Long> bannedUntilMillis = boundedMap();

    PeerPenalties(Clock clock, LinkConfig config) {
        this.clock = clock;
        this.config = config;
    }

    /** Adds penalty points; true when this pushed the peer over the limit and it is now banned. */
    boolean penalize(PeerId peer, double points) {
        Score score = scores.computeIfAbsent(peer, p -> new Score(clock.monotonicNanos()));
        double current = score.decayedTo(clock.monotonicNanos(), config.penaltyDecayPerSecond()) + points;
        score.points = current;
        if (current < config.misbehaviourLimit()) {
            return false;
        }
        scores.remove(peer);
        bannedUntilMillis.put(peer, clock.nowMillis() + config.banDuration().toMillis());
        return true;
    }

    /** How long the peer stays banned; zero when it is not banned. */
    Duration banRemaining(PeerId peer) {
        Long until = bannedUntilMillis.get(peer);
        if (until == null) {
            return Duration.ZERO;
        }
        long remaining = until - clock.nowMillis();
        if (remaining <= 0) {
            bannedUntilMillis.remove(peer);
            return Duration.ZERO;
        }
        return Duration.ofMillis(remaining);
    }

    boolean isBanned(PeerId peer) {
        return !banRemaining(peer).isZero();
    }

    private static <V> Map<PeerId, V> boundedMap() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<PeerId, V> eldest) {
                return size() > MAX_TRACKED;
            }
        };
    }

    private static final class Score {
        double points;
        long updatedNanos;

        Score(long nowNanos) {
            this.updatedNanos = nowNanos;
        }

        double decayedTo(long nowNanos, double decayPerSecond) {
            points = Math.max(0, points - (nowNanos - updatedNanos) / 1e9 * decayPerSecond);
            updatedNanos = nowNanos;
            return points;
        }
    }
}
