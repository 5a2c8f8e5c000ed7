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
import org.parley.proto.wire.v1.WireEnvelope;
import org.parley.messaging.TestSealing;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.EmbeddedLinks;
import org.parley.messaging.MessageId;
import org.parley.messaging.PrekeyBundles;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.MailboxFrame;
import org.parley.runtime.VirtualScheduler;

/**
 * A replica far from the recipient's key knows none of the peers really closest to it: repair
 * must look them up in the network, or the copies stay where the returning recipient never asks.
 */
class RepairByLookupTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final VirtualScheduler loop = new VirtualScheduler(1_767_225_600_000L);
    private final Identity self = Identity.generate("replica", RANDOM);
    private final Identity sender = Identity.generate("sender", RANDOM);
    private final PeerId recipient = Identity.generate("recipient", RANDOM).peerId();
    private final PeerRecord far = record("far", 1);
    private final PeerRecord near = record("near", 2);
    private final EmbeddedLinks links = new EmbeddedLinks();
    private final AtomicInteger lookups = new AtomicInteger();

    private PeerRecord record(String name, int index) {
        Identity identity = Identity.generate(name, RANDOM);
        return PeerRecord.create(identity, List.of("10.0." + index + ".1:7000"), 1, loop.nowMillis(),
                Duration.ofHours(1).toMillis(), PrekeyBundles.throwaway(identity, RANDOM, loop.nowMillis()));
    }

    /** Knows only the far peer; a lookup in the network finds the near one. */
    private final ReplicaFinder finder = new ReplicaFinder() {
        @Override
        public List<PeerRecord> closest(PeerId peer, int count) {
            return List.of(far);
        }

        @Override
        public CompletableFuture<List<PeerRecord>> lookUpClosest(PeerId peer, int count) {
            // The replica's own pickup looks up its own key too; counted are repair's lookups.
            if (peer.equals(recipient)) {
                lookups.incrementAndGet();
            }
            return CompletableFuture.completedFuture(List.of(near, far));
        }
    };

    private final RelayOutbox nothingToRelay = new RelayOutbox() {
        @Override
        public List<org.parley.messaging.RelayItem> awaitingRelay() {
            return List.of();
        }

        @Override
        public void relayed(PeerId peer, MessageId id, int replicas) {
        }
    };

    private boolean storeSentTo(PeerRecord record) {
        return links.sent().getOrDefault(record.peer(), List.of()).stream()
                .anyMatch(frame -> frame.hasMailbox() && frame.getMailbox().hasStore());
    }

    @Test
    void repairHandsTheCopyToTheClosestPeersALookupFindsAndLooksUpOnlyNowAndThen() {
        List.of(sender.peerId(), far.peer(), near.peer()).forEach(links::open);
        Mailbox mailbox = Mailbox.inMemory(self, links, loop, loop, MailboxConfig.defaults(), finder, nothingToRelay,
                (replica, envelope) -> CompletableFuture.completedFuture(null));
        mailbox.requireStampBits(TestSealing.BITS);
        mailbox.start();
        long now = loop.nowMillis();
        WireEnvelope envelope = TestSealing.seal(sender, recipient, now, now + Duration.ofDays(1).toMillis(), new byte[64]);
        mailbox.frameReceived(sender.peerId(), Frame.newBuilder().setMailbox(MailboxFrame.newBuilder()
                .setRequestId(1).setStore(envelope)).build());
        assertEquals(1, mailbox.heldEnvelopeIds().size(), "the replica holds the envelope");

        loop.advance(MailboxConfig.defaults().repairInterval());
        assertTrue(storeSentTo(far), "the first round offers the copy to the peers it knows");
        assertFalse(storeSentTo(near));
        loop.advance(MailboxConfig.defaults().repairInterval());
        assertTrue(storeSentTo(near), "the next round offers it to the peer the lookup found");

        for (int round = 0; round < 3; round++) {
            loop.advance(MailboxConfig.defaults().repairInterval());
        }
        assertEquals(1, lookups.get(), "a lookup stands for several rounds, not one each");
    }
}
