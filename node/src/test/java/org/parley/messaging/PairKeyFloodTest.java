package org.parley.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.link.Misbehaviour;
import org.parley.proto.wire.v1.WireEnvelope;

/**
 * Junk that names fresh senders (anyone can make identities) must not cost the recipient a pair
 * key each, nor push its contacts' pair keys out of memory (hardening, decision 0047).
 */
class PairKeyFloodTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long NOW = 1_767_225_600_000L;

    private final Identity alice = Identity.generate("alice", RANDOM);
    private final Identity bob = Identity.generate("bob", RANDOM);

    @Test
    void strangersKeysNeverFlushAContactsPairKey() {
        PairAddresses pairs = new PairAddresses(bob);
        pairs.pin(alice.peerId()::equals);
        long epoch = PairAddresses.epochOf(NOW);
        PairAddresses.PairKey alices = pairs.from(alice.peerId(), epoch);
        for (int i = 0; i <= PairAddresses.REMEMBERED + 8; i++) {
            pairs.from(Identity.generate("stranger", RANDOM).peerId(), epoch);
        }
        long derived = pairs.derivations();
        assertSame(alices, pairs.from(alice.peerId(), epoch), "alice's key was kept");
        assertEquals(derived, pairs.derivations(), "and not derived again");
    }

    @Test
    void unpaidJunkFromStrangersIsRefusedBeforeAnyPairKeyIsDerived() {
        Sealing bobs = new Sealing(bob, TestSealing.BITS, RANDOM);
        bobs.knowPeers(alice.peerId()::equals);
        WireEnvelope fromAlice = TestSealing.seal(alice, bob.peerId(), NOW, NOW + 60_000, new byte[] {1});
        assertTrue(bobs.check(fromAlice, NOW).refused().isEmpty());
        long derived = bobs.pairs().derivations();
        int refused = 0;
        int paidByChance = 0;
        for (int i = 0; i < 40; i++) {
            WireEnvelope junk = new Sealing(Identity.generate("junk", RANDOM), 0, RANDOM)
                    .seal(bob.peerId(), NOW, NOW + 60_000, new byte[] {2}, SealedEnvelope.VERSION);
            if (Stamp.meets(bob.peerId().publicKey(), junk.getAddress().toByteArray(), PairAddresses.epochOf(NOW),
                    junk.getStamp(), TestSealing.BITS)) {
                paidByChance++; // one in 256 meets the work by luck: that one is worth a pair key
                continue;
            }
            EnvelopeCheck check = bobs.check(junk, NOW);
            assertEquals(Misbehaviour.UNPAID, check.refused().orElseThrow().rejection());
            refused++;
        }
        assertTrue(refused > 30, "junk was refused");
        assertEquals(derived, bobs.pairs().derivations(), "no pair key derived for unpaid junk (" + paidByChance
                + " skipped as paid by chance)");
        // Alice, a contact, needs no work.
        WireEnvelope unpaidFromAlice = new Sealing(alice, 0, RANDOM).seal(bob.peerId(), NOW + 1, NOW + 60_000,
                new byte[] {3}, SealedEnvelope.VERSION);
        assertTrue(bobs.check(unpaidFromAlice, NOW).refused().isEmpty());
    }
}
