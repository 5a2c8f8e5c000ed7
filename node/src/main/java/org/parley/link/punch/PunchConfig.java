package org.parley.link.punch;

import java.time.Duration;

/**
 * Timing and limits of hole punching.
 *
 * @param startDelay how long a relayed link lives before its initiator offers to punch (lets the
 *     link's own first frames go first)
 * @param attemptTimeout from the offer to a punched link; past it the attempt counts as failed
 * @param rounds how many attempts the initiator makes per relayed link
 * @param retryAfter the pause between a failed attempt and the next
 * @param offersPerPeerBurst offers one peer may make at once before the rate below applies
 * @param offersPerPeerPerMinute the rate at which a peer's offers are answered after its burst
 * @param offersPerMinute offers answered per minute from everyone together
 * @param maxAttempts attempts (either role) in progress at once
 * @param maxAddresses addresses an offer or answer may carry; more is malformed
 * @param maxAddressLength characters per address; longer is malformed
 * @param maxTargets distinct addresses punched per attempt
 * @param fallbackDelay after a punched link drops, how long to wait for a replacing link before
 *     reaching the peer through its relay again
 */
public record PunchConfig(Duration startDelay, Duration attemptTimeout, int rounds, Duration retryAfter,
                          int offersPerPeerBurst, double offersPerPeerPerMinute, double offersPerMinute,
                          int maxAttempts, int maxAddresses, int maxAddressLength, int maxTargets,
                          Duration fallbackDelay) {
    public static PunchConfig defaults() {
        return new PunchConfig(Duration.ofSeconds(1), Duration.ofSeconds(30), 3, Duration.ofSeconds(10),
                3, 1, 30, 16, 8, 64, 2, Duration.ofSeconds(1));
    }
}
