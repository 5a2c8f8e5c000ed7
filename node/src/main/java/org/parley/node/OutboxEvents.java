package org.parley.node;

import java.time.Duration;
import org.parley.api.EventView;
import org.parley.api.OutboxView;
import org.parley.messaging.MessageRecord;
import org.parley.messaging.MessagingEvents;
import org.parley.messaging.OutboxStatus;
import org.parley.runtime.Scheduler;

/**
 * Tells watchers the outbox counts when they change, so that a client's status bar follows them
 * without asking. The outbox changes only with our own messages (sent, relayed, delivered, failed),
 * so only their events make it count again; a burst of them is counted once, {@link #SETTLE}
 * after the first (counting the relayed messages walks the outbox). The counts are told after every
 * burst, even when they equal the last ones told: a client that asked the status during the burst
 * may hold a count in between (a delivery, then a send), which only this event corrects. Confined
 * to the node's loop.
 */
final class OutboxEvents implements MessagingEvents {
    static final Duration SETTLE = Duration.ofMillis(200);

    private final OutboxStatus outbox;
    private final Scheduler loop;
    private final WatchHub watchers;
    private boolean counting;

    OutboxEvents(OutboxStatus outbox, Scheduler loop, WatchHub watchers) {
        this.outbox = outbox;
        this.loop = loop;
        this.watchers = watchers;
    }

    @Override
    public void messageAdded(MessageRecord message) {
        changed(message);
    }

    @Override
    public void messageUpdated(MessageRecord message) {
        changed(message);
    }

    private void changed(MessageRecord message) {
        if (!"out".equals(message.direction()) || counting) {
            return;
        }
        counting = true;
        loop.schedule(SETTLE, this::count);
    }

    private void count() {
        counting = false;
        watchers.publish(EventView.outbox(new OutboxView(outbox.outboxSize(), outbox.relayedCount())));
    }
}
