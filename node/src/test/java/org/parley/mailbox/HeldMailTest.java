package org.parley.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.messaging.Envelope;
import org.parley.proto.wire.v1.StoreAnswer.Outcome;

/** A replica's limits: per recipient, per sender, in all, and in time. */
class HeldMailTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long NOW = 1_767_225_600_000L;

    private final Identity alice = Identity.generate("alice", RANDOM);
    private final Identity carol = Identity.generate("carol", RANDOM);
    private final PeerId bob = Identity.generate("bob", RANDOM).peerId();
    private final PeerId dan = Identity.generate("dan", RANDOM).peerId();
    private int made;

    private Outcome offer(HeldMail held, Identity from, PeerId to, long expiresAt) {
        byte[] payload = new byte[100];
        payload[0] = (byte) made++;
        Envelope envelope = Envelope.create(from, to, NOW, expiresAt, payload);
        return held.offer(ByteString.copyFrom(envelope.id()), from.peerId(), to, expiresAt, envelope.toProto(), NOW,
                new ArrayList<>(), new ArrayList<>());
    }

    private long week() {
        return NOW + Duration.ofDays(7).toMillis();
    }

    @Test
    void eachLimitRefusesOnItsOwn() {
        // Room for two envelopes per recipient, three per sender, four in all.
        long size = Envelope.create(alice, bob, NOW, week(), new byte[100]).toProto().getSerializedSize();
        HeldMail held = new HeldMail(MailboxConfig.defaults().withQuotas(2 * size + size / 2, 3 * size + size / 2,
                4 * size + size / 2));
        assertEquals(Outcome.STORED, offer(held, alice, bob, week()));
        assertEquals(Outcome.STORED, offer(held, alice, bob, week()));
        assertEquals(Outcome.QUOTA, offer(held, alice, bob, week()), "bob's share is full");
        assertEquals(Outcome.STORED, offer(held, alice, dan, week()));
        assertEquals(Outcome.QUOTA, offer(held, alice, dan, week()), "alice's share is full");
        assertEquals(Outcome.STORED, offer(held, carol, dan, week()));
        assertEquals(Outcome.QUOTA, offer(held, carol, PeerId.fromPublicKey(new byte[32]), week()), "all is full");
        assertEquals(4, held.all().size());
    }

    @Test
    void aStrangerWhoFilledBobsShareCannotKeepAContactOut() {
        // Bob's share holds four envelopes; mallory, a stranger, fills it before alice writes.
        Identity mallory = Identity.generate("mallory", RANDOM);
        long size = Envelope.create(alice, bob, NOW, week(), new byte[100]).toProto().getSerializedSize();
        HeldMail held = new HeldMail(MailboxConfig.defaults().withQuotas(4 * size + size / 2, 1 << 20, 1 << 20));
        for (int i = 0; i < 4; i++) {
            assertEquals(Outcome.STORED, offer(held, mallory, bob, week()));
        }
        assertEquals(Outcome.QUOTA, offer(held, mallory, bob, week()), "mallory's fifth does not fit");

        List<HeldMail.Held> evicted = new ArrayList<>();
        Envelope fromAlice = Envelope.create(alice, bob, NOW, week(), new byte[100]);
        assertEquals(Outcome.STORED, held.offer(ByteString.copyFrom(fromAlice.id()), alice.peerId(), bob, week(),
                fromAlice.toProto(), NOW, new ArrayList<>(), evicted), "alice takes mallory's newest place");
        assertEquals(1, evicted.size());
        assertEquals(mallory.peerId(), evicted.get(0).sender());
        assertEquals(Outcome.STORED, offer(held, alice, bob, week()), "and another, while mallory holds more");
        assertEquals(Outcome.QUOTA, offer(held, alice, bob, week()), "two each: alice may not take mallory's third");
        assertEquals(Outcome.QUOTA, offer(held, mallory, bob, week()), "nor mallory alice's");
        assertEquals(4, held.forRecipient(bob, Long.MAX_VALUE).size());
        assertEquals(4 * size, held.totalBytes());
    }

    @Test
    void aSenderKeepsItsFairShareAgainstANewcomer() {
        long size = Envelope.create(alice, bob, NOW, week(), new byte[100]).toProto().getSerializedSize();
        HeldMail held = new HeldMail(MailboxConfig.defaults().withQuotas(2 * size + size / 2, 1 << 20, 1 << 20));
        assertEquals(Outcome.STORED, offer(held, alice, bob, week()));
        assertEquals(Outcome.STORED, offer(held, carol, bob, week()));
        Identity newcomer = Identity.generate("newcomer", RANDOM);
        assertEquals(Outcome.QUOTA, offer(held, newcomer, bob, week()), "one each already: nobody gives way");
        assertEquals(Outcome.STORED, offer(held, alice, dan, week()), "dan's share is apart from bob's");
    }

    @Test
    void mailLeavesAtItsExpiryOrTheHoldTimeWhicheverComesFirst() {
        HeldMail held = new HeldMail(MailboxConfig.defaults().withHoldFor(Duration.ofDays(2)));
        offer(held, alice, bob, NOW + Duration.ofHours(1).toMillis());
        offer(held, alice, bob, week());
        assertEquals(1, held.expire(NOW + Duration.ofHours(1).toMillis()).size());
        assertEquals(1, held.all().size());
        assertEquals(1, held.expire(NOW + Duration.ofDays(2).toMillis()).size(), "held two days, not seven");
        assertEquals(0, held.totalBytes());
        assertEquals(Outcome.EXPIRED, offer(held, alice, bob, NOW));
    }

    @Test
    void aDeletedEnvelopeIsNotHeldAgainUntilItWouldHaveExpired() {
        HeldMail held = new HeldMail(MailboxConfig.defaults());
        Envelope envelope = Envelope.create(alice, bob, NOW, week(), new byte[] {1});
        ByteString id = ByteString.copyFrom(envelope.id());
        List<HeldMail.Held> taken = new ArrayList<>();
        held.offer(id, alice.peerId(), bob, week(), envelope.toProto(), NOW, taken, new ArrayList<>());
        assertEquals(0, held.delete(dan, List.of(id)).size(), "only bob's own word deletes bob's mail");
        assertEquals(1, held.delete(bob, List.of(id)).size());
        taken.clear();
        assertEquals(Outcome.STORED, held.offer(id, alice.peerId(), bob, week(), envelope.toProto(), NOW, taken,
                new ArrayList<>()));
        assertTrue(taken.isEmpty(), "acknowledged, not held");
        held.expire(week());
        assertEquals(Outcome.STORED, held.offer(id, alice.peerId(), bob, week() + 1000, envelope.toProto(), week(),
                taken, new ArrayList<>()));
        assertEquals(1, taken.size());
    }

    @Test
    void anEnvelopeThatCouldNotBeWrittenIsWelcomeAgain() {
        HeldMail held = new HeldMail(MailboxConfig.defaults());
        Envelope envelope = Envelope.create(alice, bob, NOW, week(), new byte[] {1});
        ByteString id = ByteString.copyFrom(envelope.id());
        List<HeldMail.Held> taken = new ArrayList<>();
        held.offer(id, alice.peerId(), bob, week(), envelope.toProto(), NOW, taken, new ArrayList<>());
        held.unhold(id);
        assertEquals(0, held.totalBytes());
        taken.clear();
        held.offer(id, alice.peerId(), bob, week(), envelope.toProto(), NOW, taken, new ArrayList<>());
        assertEquals(1, taken.size(), "held this time, not taken for deleted");
    }

    @Test
    void aConfigOutsideItsBoundsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> MailboxConfig.defaults().withHoldFor(Duration.ofDays(31)));
        assertThrows(IllegalArgumentException.class, () -> MailboxConfig.defaults().withHoldFor(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> MailboxConfig.defaults().withReplicas(0));
        assertThrows(IllegalArgumentException.class, () -> MailboxConfig.defaults().withQuotas(0, 1, 1));
    }
}
