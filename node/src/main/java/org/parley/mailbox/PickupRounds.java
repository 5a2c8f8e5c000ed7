package org.parley.mailbox;

import java.time.Duration;
import org.parley.runtime.Scheduler;

/**
 * When a node asks the mailboxes: shortly after start, then at doubling intervals up to the pickup
 * interval. Rounds come often while the node is young (its view of its neighbourhood still forms),
 * then settle. Confined to the node's loop.
 */
final class PickupRounds {
    private final Scheduler scheduler;
    private final MailboxConfig config;
    private final Runnable round;
    private Scheduler.Cancellable timer;
    private Duration next;
    private boolean stopped;

    PickupRounds(Scheduler scheduler, MailboxConfig config, Runnable round) {
        this.scheduler = scheduler;
        this.config = config;
        this.round = round;
    }

    void start() {
        next = config.firstPickup();
        timer = scheduler.schedule(next, this::run);
    }

    void stop() {
        stopped = true;
        if (timer != null) {
            timer.cancel();
        }
    }

    boolean stopped() {
        return stopped;
    }

    private void run() {
        if (stopped) {
            return;
        }
        round.run();
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(config.pickupInterval()) < 0 ? doubled : config.pickupInterval();
        timer = scheduler.schedule(next, this::run);
    }
}
