package org.parley.overlay.reachability;

import java.time.Duration;

/**
 * Limits and timings of dial-back checks. {@link #defaults()} is what the daemon runs with; tests
 * shorten the timings.
 *
 * @param confirmations distinct peers that must reach an address before it counts as confirmed
 * @param failuresForPrivate distinct peers that must fail to reach us (with none confirming) for "private"
 * @param peersToAsk at most this many fresh answers are sought at once; more peers are not asked
 * @param answerTimeout a request not answered by then is given up (the peer may be asked again later)
 * @param resultLifetime an answer older than this no longer counts, and its peer may be asked again
 * @param recheckInterval how often stale answers are dropped and linked peers asked again
 * @param requestsPerRequesterPerSecond dial-backs one requester may cause, steady rate
 * @param requesterBurst dial-backs one requester may cause at once
 * @param requestsPerSecond dial-backs everyone together may cause, steady rate
 * @param globalBurst dial-backs everyone together may cause at once
 * @param maxProbesInFlight dial-backs running at once; more requests are refused as rate-limited
 */
public record ReachabilityConfig(int confirmations, int failuresForPrivate, int peersToAsk, Duration answerTimeout,
                                 Duration resultLifetime, Duration recheckInterval,
                                 double requestsPerRequesterPerSecond, double requesterBurst,
                                 double requestsPerSecond, double globalBurst, int maxProbesInFlight) {
    public ReachabilityConfig {
        if (confirmations < 1 || failuresForPrivate < 1 || peersToAsk < confirmations || maxProbesInFlight < 1) {
            throw new IllegalArgumentException("reachability limits out of range");
        }
    }

    public static ReachabilityConfig defaults() {
        return new ReachabilityConfig(2, 1, 5, Duration.ofSeconds(20), Duration.ofMinutes(30),
                Duration.ofMinutes(5), 1.0 / 60, 3, 1, 10, 8);
    }
}
