package org.parley.link.punch;

/**
 * Hole-punching attempts a node started as the initiator (so each attempt between two peers
 * counts once, at the peer with the smaller ID), and how many of them ended in a punched link or
 * failed; the rest are under way, or were abandoned when their relayed link went down.
 */
public record PunchTally(long attempts, long succeeded, long failed) {
    public static final PunchTally NONE = new PunchTally(0, 0, 0);

    public PunchTally plus(PunchTally other) {
        return new PunchTally(attempts + other.attempts, succeeded + other.succeeded, failed + other.failed);
    }

    /** The share of ended attempts that succeeded; 0 when none ended. */
    public double successRatio() {
        long ended = succeeded + failed;
        return ended == 0 ? 0 : (double) succeeded / ended;
    }
}
