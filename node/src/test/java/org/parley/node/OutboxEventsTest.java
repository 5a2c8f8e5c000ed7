package org.parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.parley.api.EventView;
import org.parley.api.OutboxView;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.messaging.MessageId;
import org.parley.messaging.MessageRecord;
import org.parley.messaging.OutboxStatus;
import org.parley.runtime.VirtualScheduler;

/** The outbox counts reach watchers as events: after our own messages change, once per burst. */
class OutboxEventsTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final PeerId BOB = Identity.generate("bob", RANDOM).peerId();

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    private final CountedOutbox outbox = new CountedOutbox();
    private final WatchHub watchers = new WatchHub("00aa11bb22cc33dd");
    private final List<EventView> seen = new CopyOnWriteArrayList<>();
    private final OutboxEvents events = new OutboxEvents(outbox, loop, watchers);

    OutboxEventsTest() {
        watchers.add(seen::add);
        seen.clear();
    }

    @Test
    void aBurstOfSendsIsCountedOnceAfterItSettles() {
        for (int i = 1; i <= 50; i++) {
            outbox.size = i;
            events.messageAdded(message("out", "pending"));
        }
        assertEquals(List.of(), seen, "nothing before the burst settles");
        loop.advance(OutboxEvents.SETTLE);
        assertEquals(List.of(new OutboxView(50, 0)), counts());
        assertEquals(1, outbox.countings, "the relayed messages counted once for the burst");
    }

    @Test
    void relayingAndDeliveryAreTold() {
        outbox.size = 1;
        events.messageAdded(message("out", "pending"));
        loop.advance(OutboxEvents.SETTLE);
        outbox.relayed = 1;
        events.messageUpdated(message("out", "relayed"));
        loop.advance(OutboxEvents.SETTLE);
        outbox.size = 0;
        outbox.relayed = 0;
        events.messageUpdated(message("out", "delivered"));
        loop.advance(OutboxEvents.SETTLE);

        assertEquals(List.of(new OutboxView(1, 0), new OutboxView(1, 1), new OutboxView(0, 0)), counts());
        seen.forEach(event -> assertEquals(EventView.OUTBOX, event.type()));
    }

    @Test
    void incomingMessagesTellNothing() {
        events.messageAdded(message("in", "received"));
        loop.advance(Duration.ofSeconds(1));
        assertEquals(0, outbox.countings, "an incoming message cannot change the outbox");
        assertEquals(List.of(), seen);
    }

    @Test
    void aCountThatComesBackWithinABurstIsToldAgain() {
        outbox.size = 1;
        events.messageAdded(message("out", "pending"));
        loop.advance(OutboxEvents.SETTLE);
        // A delivery, then a send, within one burst: a client that asked the status between them
        // holds 0, and only the event tells it 1 again.
        outbox.size = 0;
        events.messageUpdated(message("out", "delivered"));
        outbox.size = 1;
        events.messageAdded(message("out", "pending"));
        loop.advance(OutboxEvents.SETTLE);

        assertEquals(List.of(new OutboxView(1, 0), new OutboxView(1, 0)), counts());
    }

    private List<OutboxView> counts() {
        return seen.stream().map(EventView::outbox).toList();
    }

    private static MessageRecord message(String direction, String state) {
        return new MessageRecord(MessageId.random(RANDOM), direction, BOB, "hi", 1, null, state, null, false);
    }

    private static final class CountedOutbox implements OutboxStatus {
        int size;
        int relayed;
        int countings;

        @Override
        public int outboxSize() {
            return size;
        }

        @Override
        public int relayedCount() {
            countings++;
            return relayed;
        }

        @Override
        public long bytesHeldByReplicas() {
            return 0;
        }

        @Override
        public Set<PeerId> waitingPeers() {
            return Set.of();
        }
    }
}
