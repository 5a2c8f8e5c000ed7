package org.parley.link;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.parley.identity.PeerId;
import org.parley.runtime.Clock;

/**
 * Misbehaviour points per peer, and the bans they lead to. Points decay over time so that an
 * occasional slip is forgiven while a sustained pattern crosses the limit. Both tables are bounded,
 * because a flood of fresh identities must not grow memory without limit; when one is full, the
 * least interesting entry goes: for scores the one with the fewest points left after decay (a
 * forgiven peer first), for bans one that has ended, else the one ending soonest. So a flood of
 * identities with a point or two each cannot wipe the score of a peer about to be banned, which a
 * table that forgot the least recently touched entry would. Confined to the loop.
 */
final class PeerPenalties {
    static final int MAX_TRACKED = 10_000;

    private final Clock clock;
    private final LinkConfig config;
    private final int maxTracked;
    private final Map<PeerId, Score> scores = new HashMap<>();
    private final Map<PeerId, Long> bannedUntilMillis = new HashMap<>();

    PeerPenalties(Clock clock, LinkConfig config) {
        this(clock, config, MAX_TRACKED);
    }

    PeerPenalties(Clock clock, LinkConfig config, int maxTracked) {
        this.clock = clock;
        this.config = config;
        this.maxTracked = maxTracked;
    }

    /** Adds penalty points; true when this pushed the peer over the limit and it is now banned. */
    boolean penalize(PeerId peer, double points) {
        long now = clock.monotonicNanos();
        Score score = scores.get(peer);
        if (score == null) {
            if (scores.size() >= maxTracked) {
                forgetLeastPenalized(now);
            }
            score = new Score(now);
            scores.put(peer, score);
        }
        double current = score.decayedTo(now, config.penaltyDecayPerSecond()) + points;
        score.points = current;
        if (current < config.misbehaviourLimit()) {
            return false;
        }
        scores.remove(peer);
        if (!bannedUntilMillis.containsKey(peer) && bannedUntilMillis.size() >= maxTracked) {
            forgetBanEndingFirst();
        }
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

    int scoresTracked() {
        return scores.size();
    }

    int bansTracked() {
        return bannedUntilMillis.size();
    }

    /** Drops every forgiven score, or else the lowest one. */
    private void forgetLeastPenalized(long nowNanos) {
        PeerId lowest = null;
        double lowestPoints = Double.MAX_VALUE;
        for (Iterator<Map.Entry<PeerId, Score>> it = scores.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<PeerId, Score> entry = it.next();
            double points = entry.getValue().decayedTo(nowNanos, config.penaltyDecayPerSecond());
            if (points <= 0) {
                it.remove();
            } else if (points < lowestPoints) {
                lowest = entry.getKey();
                lowestPoints = points;
            }
        }
        if (scores.size() >= maxTracked && lowest != null) {
            scores.remove(lowest);
        }
    }

    /** Drops every ban that has ended, or else the one ending soonest. */
    private void forgetBanEndingFirst() {
        long now = clock.nowMillis();
        bannedUntilMillis.values().removeIf(until -> until <= now);
        if (bannedUntilMillis.size() >= maxTracked) {
            bannedUntilMillis.entrySet().stream().min(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                    .ifPresent(bannedUntilMillis::remove);
        }
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
