package org.parley.overlay.gossip;

import java.time.Duration;

/**
 * How often neighbours bring this node first copies of messages, and whether they stopped
 * (decision 0083): after at least {@link #STARVED_AFTER_COPIES} of them, none for
 * {@link #STARVED_GAPS} times the mean gap between them, or {@link #STARVED_WAIT_MIN} if more.
 * Counted against the node's own pace, so a topic carrying a message every few minutes makes
 * nobody starved within seconds, while a node whose every neighbour went silent at once (a covert
 * flash's Sybils) knows it within seconds, which the link layer cannot tell from its silent links.
 */
final class FirstCopyPace {
    /** First copies a node must have had before going without them can mean it is cut off. */
    static final int STARVED_AFTER_COPIES = 8;
    /** Mean gaps between first copies without one that count as starved. */
    static final int STARVED_GAPS = 5;
    static final Duration STARVED_WAIT_MIN = Duration.ofSeconds(1);

    private long firstCopies;
    private long lastFirstCopyNanos;
    private double meanGapNanos;

    void arrived(long nowNanos) {
        if (firstCopies > 0) {
            long gap = nowNanos - lastFirstCopyNanos;
            meanGapNanos = firstCopies == 1 ? gap : 0.9 * meanGapNanos + 0.1 * gap;
        }
        firstCopies++;
        lastFirstCopyNanos = nowNanos;
    }

    boolean starved(long nowNanos) {
        if (firstCopies < STARVED_AFTER_COPIES) {
            return false;
        }
        double wait = Math.max(STARVED_WAIT_MIN.toNanos(), STARVED_GAPS * meanGapNanos);
        return nowNanos - lastFirstCopyNanos > wait;
    }
}
