package org.parley.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.EmbeddedLinks;
import org.parley.messaging.MessageId;
import org.parley.messaging.PrekeyBundles;
import org.parley.messaging.RelayItem;
import org.parley.overlay.record.PeerRecord;
import org.parley.runtime.VirtualScheduler;

/**
 * Replicas move mail, by lookups, to the peers really closest to its place; a returning recipient
 * whose routing table holds none of them (common at a thousand nodes, seen in the simulator) must
 * look them up too, or its mail waits where it never asks.
 */
class PickupByLookupTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final MailboxConfig CONFIG = MailboxConfig.defaults();

    private final VirtualScheduler loop = new VirtualScheduler(1_767_225_600_000L);
    private final Identity self = Identity.generate("recipient", RANDOM);
    private final PeerRecord far = record("far", 1);
    private final PeerRecord near = record("near", 2);
    private final EmbeddedLinks links = new EmbeddedLinks();
    private final AtomicInteger lookups = new AtomicInteger();

    private PeerRecord record(String name, int index) {
        Identity identity = Identity.generate(name, RANDOM);
        return PeerRecord.create(identity, List.of("10.0." + index + ".1:7000"), 1, loop.nowMillis(),
                Duration.ofHours(1).toMillis(), PrekeyBundles.throwaway(identity, RANDOM, loop.nowMillis()));
    }

    /** Our table knows only the far peer; a lookup in the network finds the near one, which holds our mail. */
    private final ReplicaFinder finder = new ReplicaFinder() {
        @Override
        public List<PeerRecord> closest(PeerId place, int count) {
            return List.of(far);
        }

        @Override
        public CompletableFuture<List<PeerRecord>> lookUpClosest(PeerId place, int count) {
            lookups.incrementAndGet();
            return CompletableFuture.completedFuture(List.of(near, far, record("other", 3)));
        }
    };

    private final RelayOutbox nothingToRelay = new RelayOutbox() {
        @Override
        public List<RelayItem> awaitingRelay() {
            return List.of();
        }

        @Override
        public void relayed(PeerId peer, MessageId id, int replicas) {
        }
    };

    private boolean fetchSentTo(PeerRecord record) {
        return links.sent().getOrDefault(record.peer(), List.of()).stream()
                .anyMatch(frame -> frame.hasMailbox() && frame.getMailbox().hasFetch());
    }

    @Test
    void theRecipientAsksThePeersALookupOfItsPlaceFindsAndLooksUpOnlyNowAndThen() {
        Mailbox mailbox = Mailbox.inMemory(self, links, loop, loop, CONFIG, finder, nothingToRelay,
                (replica, envelope) -> CompletableFuture.completedFuture(null));
        links.addLayer(mailbox);
        mailbox.start();
        List.of(far.peer(), near.peer()).forEach(links::open);
        loop.advance(CONFIG.firstPickup().minusMillis(1));
        assertTrue(fetchSentTo(far), "a link to a replica our table knows is asked at once");
        assertFalse(fetchSentTo(near), "no lookup yet");

        loop.advance(Duration.ofMillis(1));
        assertTrue(fetchSentTo(near), "the first round asks the peer the lookup of our key found");
        assertEquals(1, lookups.get(), "one place (our key), one lookup");

        for (int round = 0; round < 5; round++) {
            loop.advance(CONFIG.pickupInterval());
        }
        assertEquals(1, lookups.get(), "an answer stands for several rounds");
        links.sent().clear();
        loop.advance(CONFIG.pickupInterval());
        assertTrue(fetchSentTo(near), "later rounds ask it as well, while the answer stands");

        loop.advance(Duration.ofMillis(PlaceLookups.STANDS_MILLIS));
        assertEquals(2, lookups.get(), "then the place is looked up again");
        mailbox.stop();
    }
}
