package org.parley.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.parley.messaging.TestSealing;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.EmbeddedLinks;
import org.parley.proto.wire.v1.WireEnvelope;
import org.parley.runtime.VirtualScheduler;

/** A replica says it holds an envelope only once the envelope is written down. */
class ReplicaDurabilityTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void anEnvelopeThatCannotBeWrittenIsNeitherHeldNorConfirmed() {
        VirtualScheduler loop = new VirtualScheduler(1_767_225_600_000L);
        Identity alice = Identity.generate("alice", RANDOM);
        Identity bob = Identity.generate("bob", RANDOM);
        EmbeddedLinks links = new EmbeddedLinks();
        links.open(alice.peerId());
        CompletableFuture<Void> write = new CompletableFuture<>();
        MailJournal journal = new MailJournal() {
            @Override
            public CompletableFuture<Void> held(List<HeldItem<PeerId, WireEnvelope>> taken) {
                return write;
            }

            @Override
            public void dropped(List<HeldItem<PeerId, WireEnvelope>> gone) {
            }
        };
        MailReplica replica = new MailReplica(Identity.generate("replica", RANDOM).peerId(), links,
                new MailCourier(links, loop, Duration.ofSeconds(10)), (peer, count) -> List.of(), journal, loop, loop,
                MailboxConfig.defaults(), List.of());
        replica.requireStampBits(TestSealing.BITS);
        long now = loop.nowMillis();
        replica.store(alice.peerId(), 1, TestSealing.seal(alice, bob.peerId(), now, now + 60_000, new byte[] {1}));
        loop.runUntilIdle();
        assertTrue(links.sent().isEmpty(), "no answer before the write");

        write.completeExceptionally(new IllegalStateException("disk full"));
        loop.runUntilIdle();
        assertTrue(links.sent().isEmpty(), "never confirmed: the sender asks another replica");
        assertEquals(0, replica.envelopesHeld());
    }
}
