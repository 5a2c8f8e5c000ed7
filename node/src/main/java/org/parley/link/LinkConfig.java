package org.parley.link;

import java.time.Duration;

/**
 * Limits and timings of the link layer. {@link #defaults()} is what the daemon runs with; tests
 * shorten the timings.
 *
 * @param maxFrameBytes largest inbound frame accepted; a larger one kills that link's stream
 * @param outboundQueueFrames frames that may wait for a slow peer before the link is dropped
 * @param helloTimeout how long a new link may stay silent before it is dropped
 * @param inboundFramesPerSecond sustained inbound frame rate per link before frames are dropped
 * @param inboundBurst inbound frames allowed in a burst above that rate
 * @param misbehaviourLimit penalty points at which a peer is disconnected and banned
 * @param penaltyDecayPerSecond points forgiven each second, so rare slips never add up to a ban
 * @param banDuration how long a banned peer is refused
 * @param redial backoff between attempts to reach an address we want a link to
 * @param keepAlive interval of transport keepalive pings on an idle link
 */
public record LinkConfig(
        int maxFrameBytes,
        int outboundQueueFrames,
        Duration helloTimeout,
        double inboundFramesPerSecond,
        double inboundBurst,
        double misbehaviourLimit,
        double penaltyDecayPerSecond,
        Duration banDuration,
        Backoff redial,
        Duration keepAlive) {

    /** Protocol version this code speaks in {@code Hello}. */
    public static final int PROTOCOL_VERSION = 1;

    public static LinkConfig defaults() {
        return new LinkConfig(
                1024 * 1024,
                4096,
                Duration.ofSeconds(10),
                // About one core's worth of signature checks: a peer cannot make us do more.
                10_000,
                20_000,
                100,
                1,
                Duration.ofMinutes(10),
                new Backoff(Duration.ofMillis(250), Duration.ofSeconds(30)),
                Duration.ofSeconds(30));
    }

    public LinkConfig withRedial(Backoff backoff) {
        return new LinkConfig(maxFrameBytes, outboundQueueFrames, helloTimeout, inboundFramesPerSecond,
                inboundBurst, misbehaviourLimit, penaltyDecayPerSecond, banDuration, backoff, keepAlive);
    }

    public LinkConfig withInboundRate(double framesPerSecond, double burst) {
        return new LinkConfig(maxFrameBytes, outboundQueueFrames, helloTimeout, framesPerSecond, burst,
                misbehaviourLimit, penaltyDecayPerSecond, banDuration, redial, keepAlive);
    }
}
