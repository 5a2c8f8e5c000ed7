package org.parley.overlay.discovery;

import java.util.HashMap;
import java.util.Map;
import org.parley.identity.PeerId;

/**
 * How many unsolicited peer exchanges each neighbour may still send: a token bucket per source,
 * {@code burst} deep, refilled by one every {@code refillMillis}. An honest node pushes records to
 * one random neighbour per heartbeat at most, so a neighbour sends us fewer than one a heartbeat;
 * a flooder's extra exchanges are dropped before a single signature is checked. Buckets that have
 * filled up again are forgotten, so the map holds only peers that sent lately. Confined to the
 * node's loop.
 */
final class ExchangeAllowance {
    private record Bucket(double tokens, long atMillis) {
    }

    private final int burst;
    private final long refillMillis;
    private final Map<PeerId, Bucket> buckets = new HashMap<>();

    ExchangeAllowance(int burst, long refillMillis) {
        this.burst = burst;
        this.refillMillis = Math.max(1, refillMillis);
    }

    /** Spends one of {@code source}'s exchanges if it has one left at {@code nowMillis}. */
    boolean take(PeerId source, long nowMillis) {
        buckets.values().removeIf(bucket -> tokensAt(bucket, nowMillis) >= burst);
        Bucket bucket = buckets.get(source);
        double tokens = bucket == null ? burst : tokensAt(bucket, nowMillis);
        if (tokens < 1) {
            return false;
        }
        buckets.put(source, new Bucket(tokens - 1, nowMillis));
        return true;
    }

    private double tokensAt(Bucket bucket, long nowMillis) {
        return Math.min(burst, bucket.tokens() + (double) (nowMillis - bucket.atMillis()) / refillMillis);
    }
}
