package org.parley.link;

import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;
import org.parley.proto.wire.v1.Frame;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;

/**
 * A link to a neighbour as the {@link LinkManager} keeps it, before and after its Hello: its rate
 * limits both ways, the frames waiting for the outbound limit, and what the Hello told.
 */
final class Neighbour {
    /**
     * Share of a neighbour's inbound limit this node uses when sending, leaving headroom for
     * clock drift and transport batching so that pacing never trips the other side's limiter.
     */
    static final double OUTBOUND_SHARE = 0.8;

    final Link link;
    final TokenBucket inbound;
    final TokenBucket outbound;
    /** Frames waiting for the outbound bucket, in order. */
    final ArrayDeque<Frame> paced = new ArrayDeque<>();
    Scheduler.Cancellable drainTimer;
    Scheduler.Cancellable helloTimer;
    PeerInfo info;

    Neighbour(Link link, TokenBucket inbound, TokenBucket outbound) {
        this.link = link;
        this.inbound = inbound;
        this.outbound = outbound;
    }

    /** A neighbour on {@code link}, held to {@code config}'s inbound limit both ways (every node runs the same). */
    static Neighbour on(Link link, Clock clock, LinkConfig config) {
        return new Neighbour(link, new TokenBucket(clock, config.inboundFramesPerSecond(), config.inboundBurst()),
                new TokenBucket(clock, config.inboundFramesPerSecond() * OUTBOUND_SHARE,
                        config.inboundBurst() * OUTBOUND_SHARE));
    }

    /**
     * Sends a frame no faster than the neighbour's inbound limit allows (every node runs the same
     * limits), so an honest burst is paced rather than punished as a flood; the excess waits here
     * and drains on {@code scheduler} while {@code current} says this is still the neighbour's
     * link. False when the link refuses the frame or more than {@code maxWaiting} frames wait:
     * the link is then closed, since a peer that does not read would otherwise hold our memory.
     */
    boolean send(Frame frame, int maxWaiting, Scheduler scheduler, BooleanSupplier current) {
        if (paced.isEmpty() && outbound.tryTake()) {
            return transmit(frame);
        }
        if (paced.size() >= maxWaiting) {
            link.close("outbound queue full");
            return false;
        }
        paced.add(frame);
        scheduleDrain(scheduler, current);
        return true;
    }

    private boolean transmit(Frame frame) {
        if (!link.send(frame)) {
            link.close("outbound queue full");
            return false;
        }
        return true;
    }

    private void scheduleDrain(Scheduler scheduler, BooleanSupplier current) {
        if (drainTimer != null) {
            return;
        }
        drainTimer = scheduler.schedule(outbound.timeUntilToken(), () -> {
            drainTimer = null;
            if (!current.getAsBoolean()) {
                return; // the link went down; what waited is resent by its owners when one comes back
            }
            while (!paced.isEmpty() && outbound.tryTake()) {
                if (!transmit(paced.poll())) {
                    return;
                }
            }
            if (!paced.isEmpty()) {
                scheduleDrain(scheduler, current);
            }
        });
    }

    void cancelHelloTimer() {
        if (helloTimer != null) {
            helloTimer.cancel();
            helloTimer = null;
        }
    }

    void cancelDrain() {
        paced.clear();
        if (drainTimer != null) {
            drainTimer.cancel();
            drainTimer = null;
        }
    }
}
