package org.parley.crypto.ratchet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.crypto.Aead;
import org.parley.crypto.X25519;

class DoubleRatchetTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] AD = "alice-key|bob-key".getBytes(StandardCharsets.US_ASCII);

    private final DoubleRatchet alice;
    private DoubleRatchet bob;

    DoubleRatchetTest() {
        byte[] sharedKey = new byte[32];
        RANDOM.nextBytes(sharedKey);
        byte[] bobPrekey = X25519.generatePrivateKey(RANDOM);
        alice = DoubleRatchet.initiator(sharedKey, X25519.publicKey(bobPrekey), AD, RANDOM);
        bob = DoubleRatchet.responder(sharedKey, bobPrekey, AD, RANDOM);
    }

    @Test
    void aConversationInOrderBothWays() throws Exception {
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 3; i++) {
                assertEquals("a" + round + i, open(bob, seal(alice, "a" + round + i)));
            }
            for (int i = 0; i < 2; i++) {
                assertEquals("b" + round + i, open(alice, seal(bob, "b" + round + i)));
            }
        }
    }

    @Test
    void theResponderCannotSpeakFirst() {
        assertThrows(IllegalStateException.class, () -> seal(bob, "too early"));
    }

    @Test
    void outOfOrderAndLostThenLateMessagesOpen() throws Exception {
        List<DoubleRatchet.Sealed> sent = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            sent.add(seal(alice, "m" + i));
        }
        assertEquals("m3", open(bob, sent.get(3)));
        assertEquals("m1", open(bob, sent.get(1)));
        assertEquals(2, bob.skippedKeys(), "keys of m0 and m2 wait");
        // A reply moves the DH ratchet on; the lost messages of the old chain still open late.
        assertEquals("r", open(alice, seal(bob, "r")));
        DoubleRatchet.Sealed afterStep = seal(alice, "next chain");
        assertEquals("next chain", open(bob, afterStep));
        assertEquals("m0", open(bob, sent.get(0)));
        assertEquals("m5", open(bob, sent.get(5)));
        assertEquals("m2", open(bob, sent.get(2)));
        assertEquals("m4", open(bob, sent.get(4)));
        assertEquals(0, bob.skippedKeys());
    }

    @Test
    void aDuplicateIsRefusedAndChangesNothing() throws Exception {
        DoubleRatchet.Sealed first = seal(alice, "once");
        assertEquals("once", open(bob, first));
        assertThrows(RatchetException.class, () -> open(bob, first));
        assertEquals("twice?", open(bob, seal(alice, "twice?")));
    }

    @Test
    void tamperedMessagesAreRefusedWithoutDisturbingTheSession() throws Exception {
        DoubleRatchet.Sealed genuine = seal(alice, "genuine");
        byte[] flipped = genuine.ciphertext().clone();
        flipped[flipped.length - 1] ^= 1;
        assertThrows(RatchetException.class, () -> bob.decrypt(genuine.header(), flipped));
        RatchetHeader wrongNumber = new RatchetHeader(genuine.header().ratchetKey(),
                genuine.header().previousChainLength(), genuine.header().messageNumber() + 1);
        assertThrows(RatchetException.class, () -> bob.decrypt(wrongNumber, genuine.ciphertext()));
        RatchetHeader forgedKey = new RatchetHeader(X25519.publicKey(X25519.generatePrivateKey(RANDOM)), 0, 0);
        assertThrows(RatchetException.class, () -> bob.decrypt(forgedKey, genuine.ciphertext()));
        assertThrows(RatchetException.class, () -> bob.decrypt(new RatchetHeader(new byte[3], 0, 0), flipped));
        assertEquals(0, bob.skippedKeys(), "failed attempts leave no skipped keys behind");
        assertEquals("genuine", open(bob, genuine));
    }

    @Test
    void skippingTooFarIsRefusedAndTheCacheIsBounded() throws Exception {
        for (int i = 0; i <= DoubleRatchet.MAX_SKIP; i++) {
            seal(alice, "lost");
        }
        DoubleRatchet.Sealed tooFar = seal(alice, "too far");
        assertThrows(RatchetException.class, () -> open(bob, tooFar));

        DoubleRatchet fresh = freshPair();
        for (int chain = 0; chain < 3; chain++) {
            for (int i = 0; i < DoubleRatchet.MAX_SKIP; i++) {
                seal(freshAlice, "skipped");
            }
            open(fresh, seal(freshAlice, "last of chain"));
            open(freshAlice, seal(fresh, "reply"));
        }
        assertTrue(fresh.skippedKeys() <= DoubleRatchet.MAX_SKIPPED_KEYS, "" + fresh.skippedKeys());
    }

    @Test
    void stateSurvivesAReloadMidConversation() throws Exception {
        open(bob, seal(alice, "before"));
        DoubleRatchet.Sealed late = seal(alice, "late");
        DoubleRatchet.Sealed later = seal(alice, "later");
        open(bob, later);
        bob = DoubleRatchet.fromProto(bob.toProto(), RANDOM);
        assertEquals("late", open(bob, late));
        assertEquals("after", open(alice, seal(bob, "after")));
        assertEquals("and on", open(bob, seal(alice, "and on")));
    }

    @Test
    void aCompromisedOldMessageKeyOpensNothingLater() throws Exception {
        DoubleRatchet.Sealed zero = seal(alice, "zero");
        DoubleRatchet.Sealed one = seal(alice, "one");
        open(bob, one);
        byte[] leakedKey = bob.toProto().getSkipped(0).getMessageKey().toByteArray();
        assertArrayEquals("zero".getBytes(), Aead.open(leakedKey, zero.ciphertext(), adOf(zero)));

        DoubleRatchet.Sealed two = seal(alice, "two");
        assertThrows(Aead.AeadException.class, () -> Aead.open(leakedKey, two.ciphertext(), adOf(two)));
    }

    @Test
    void aStolenStateIsHealedByTheNextRoundTrip() throws Exception {
        open(bob, seal(alice, "hello"));
        DoubleRatchet stolen = DoubleRatchet.fromProto(bob.toProto(), RANDOM);
        open(alice, seal(bob, "reply"));
        open(bob, seal(alice, "round trip"));
        open(alice, seal(bob, "and back"));
        DoubleRatchet.Sealed secret = seal(alice, "after healing");
        assertEquals("after healing", open(bob, secret));
        assertThrows(RatchetException.class, () -> open(stolen, secret));
    }

    private DoubleRatchet freshAlice;

    private DoubleRatchet freshPair() {
        byte[] sharedKey = new byte[32];
        RANDOM.nextBytes(sharedKey);
        byte[] prekey = X25519.generatePrivateKey(RANDOM);
        freshAlice = DoubleRatchet.initiator(sharedKey, X25519.publicKey(prekey), AD, RANDOM);
        return DoubleRatchet.responder(sharedKey, prekey, AD, RANDOM);
    }

    private static byte[] adOf(DoubleRatchet.Sealed sealed) {
        byte[] header = sealed.header().encode();
        byte[] ad = java.util.Arrays.copyOf(AD, AD.length + header.length);
        System.arraycopy(header, 0, ad, AD.length, header.length);
        return ad;
    }

    private static DoubleRatchet.Sealed seal(DoubleRatchet ratchet, String text) {
        return ratchet.encrypt(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String open(DoubleRatchet ratchet, DoubleRatchet.Sealed sealed) throws RatchetException {
        return new String(ratchet.decrypt(sealed.header(), sealed.ciphertext()), StandardCharsets.UTF_8);
    }
}
