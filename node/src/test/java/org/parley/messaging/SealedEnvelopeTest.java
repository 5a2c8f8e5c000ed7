package org.parley.messaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.parley.crypto.Ed25519;
import org.parley.crypto.X25519;
import org.parley.identity.Identity;
import org.parley.link.Misbehaviour;
import org.parley.proto.wire.v1.WireEnvelope;

/**
 * Envelope version 2 as a relay and as the recipient see it (decision 0039): the sender is in
 * none of the bytes a relay holds, nothing in them verifies under the sender's identity key, the
 * recipient could have made the envelope itself, and the pair address is the pair's alone and
 * changes with the epoch.
 */
class SealedEnvelopeTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long NOW = 20_454L * PairAddresses.EPOCH_MILLIS + 3_600_000;
    private static final long EXPIRES = NOW + 3_600_000;

    private final Identity alice = Identity.generate("alice", RANDOM);
    private final Identity bob = Identity.generate("bob", RANDOM);
    private final Identity carol = Identity.generate("carol", RANDOM);
    private final byte[] payload = "a ratchet message, as far as the envelope knows".getBytes();

    private WireEnvelope fromAliceToBob(long created) {
        return new Sealing(alice, TestSealing.BITS, RANDOM).seal(bob.peerId(), created, created + 3_600_000, payload, SealedEnvelope.VERSION);
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void whatARelayHoldsNamesNoSenderAndTheRecipientFindsTheSenderInside() throws Exception {
        WireEnvelope sealed = fromAliceToBob(NOW);
        byte[] stored = sealed.toByteArray();
        assertTrue(sealed.getSender().isEmpty() && sealed.getPayload().isEmpty());
        assertFalse(contains(stored, alice.peerId().publicKey()), "alice's identity key");
        assertFalse(contains(stored, alice.agreementPublicKey()), "alice's agreement key");
        assertFalse(contains(stored, X25519.fromEd25519PublicKey(alice.peerId().publicKey())), "its Montgomery form");

        SealedEnvelope.Outer seen = SealedEnvelope.check(sealed, NOW, TestSealing.BITS);
        assertEquals(bob.peerId(), seen.recipient());
        assertNotEquals(alice.peerId(), seen.contributor(), "a replica's fair share counts the pair address");

        EnvelopeCheck opened = TestSealing.open(bob, sealed, NOW);
        assertNull(opened.refusal());
        assertEquals(alice.peerId(), opened.envelope().sender());
        assertArrayEquals(payload, opened.envelope().payload());
        assertArrayEquals(seen.id(), opened.id());
    }

    @Test
    void theRecipientHoldsNoProofOfAuthorshipItCouldShowAThirdParty() {
        WireEnvelope sealed = fromAliceToBob(NOW);
        // Nothing bob received verifies under alice's identity key: not the signature over any of
        // the envelope's fields, not any 64 bytes of it over the rest.
        byte[] stored = sealed.toByteArray();
        for (int at = 0; at + Ed25519.SIGNATURE_SIZE <= stored.length; at++) {
            byte[] candidate = Arrays.copyOfRange(stored, at, at + Ed25519.SIGNATURE_SIZE);
            assertFalse(Ed25519.verify(alice.peerId().publicKey(), withoutRange(stored, at), candidate));
        }
        // What does verify (the pair key's signature) bob can make himself: an envelope "from
        // alice" that bob's own node takes as hers, made without alice.
        long epoch = PairAddresses.epochOf(NOW);
        PairAddresses.PairKey bobsCopyOfThePairKey = new PairAddresses(bob).from(alice.peerId(), epoch);
        WireEnvelope madeByBob = SealedEnvelope.sealWith(alice.peerId(), bobsCopyOfThePairKey,
                Stamp.find(bob.peerId().publicKey(), bobsCopyOfThePairKey.address(), epoch, TestSealing.BITS),
                bob.peerId(), BoxKeys.fresh(bob.peerId(), bobsCopyOfThePairKey.address(), RANDOM), NOW, EXPIRES,
                "words alice never wrote".getBytes(), RANDOM);
        EnvelopeCheck check = TestSealing.open(bob, madeByBob, NOW);
        assertNull(check.refusal());
        assertEquals(alice.peerId(), check.envelope().sender());
        assertEquals(sealed.getAddress(), madeByBob.getAddress(), "indistinguishable from alice's own");

        // A third party cannot: carol's envelope naming alice inside is refused by bob as forged.
        WireEnvelope byCarol = TestSealing.forgedAs(alice, carol, bob.peerId(), NOW, EXPIRES, payload);
        assertEquals(Misbehaviour.FORGED, TestSealing.open(bob, byCarol, NOW).refusal().rejection());
    }

    private static byte[] withoutRange(byte[] bytes, int at) {
        byte[] out = new byte[bytes.length - Ed25519.SIGNATURE_SIZE];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(bytes, at + Ed25519.SIGNATURE_SIZE, out, at, bytes.length - at - Ed25519.SIGNATURE_SIZE);
        return out;
    }

    @Test
    void theTwoPartiesDeriveTheSameAddressAndNobodyElseDoes() {
        long epoch = PairAddresses.epochOf(NOW);
        byte[] aliceToBob = new PairAddresses(alice).to(bob.peerId(), epoch).address();
        assertArrayEquals(aliceToBob, new PairAddresses(bob).from(alice.peerId(), epoch).address());
        assertArrayEquals(alice.pairSecret(bob.peerId()), bob.pairSecret(alice.peerId()));

        PairAddresses carols = new PairAddresses(carol);
        assertFalse(Arrays.equals(aliceToBob, carols.from(alice.peerId(), epoch).address()));
        assertFalse(Arrays.equals(aliceToBob, carols.to(bob.peerId(), epoch).address()));
        assertFalse(Arrays.equals(alice.pairSecret(bob.peerId()), carol.pairSecret(bob.peerId())));
        assertFalse(Arrays.equals(aliceToBob, new PairAddresses(bob).to(alice.peerId(), epoch).address()),
                "the two directions differ, so a replica holding both cannot pair them");
    }

    @Test
    void theAddressRotatesAtTheEpochBoundaryAndMailOfThePreviousEpochStillOpens() {
        long boundary = 20_455L * PairAddresses.EPOCH_MILLIS;
        WireEnvelope lastOfOld = fromAliceToBob(boundary - 1);
        WireEnvelope firstOfNew = fromAliceToBob(boundary);
        assertEquals(fromAliceToBob(boundary - 3_600_000).getAddress(), lastOfOld.getAddress(), "stable in an epoch");
        assertNotEquals(lastOfOld.getAddress(), firstOfNew.getAddress());

        long later = boundary + 60_000;
        EnvelopeCheck old = TestSealing.open(bob, lastOfOld, later);
        assertNull(old.refusal());
        assertEquals(alice.peerId(), old.envelope().sender());
        assertNull(TestSealing.open(bob, firstOfNew, later).refusal());
    }

    @Test
    void relaysRefuseWhatIsUnpaidAlteredTruncatedOrNotSealed() {
        WireEnvelope sealed = fromAliceToBob(NOW);
        assertEquals(Misbehaviour.UNPAID, refusal(sealed.toBuilder().setStamp(sealed.getStamp() + 1).build(),
                TestSealing.BITS + 12), "with high probability the next nonce pays nothing");
        assertEquals(Misbehaviour.FORGED, refusal(sealed.toBuilder().setCreatedAtMs(NOW + 1).build(), 0));
        assertEquals(Misbehaviour.FORGED, refusal(sealed.toBuilder()
                .setSealed(sealed.getSealed().substring(0, sealed.getSealed().size() - 1)).build(), 0));
        assertEquals(Misbehaviour.MALFORMED, refusal(sealed.toBuilder().clearEphemeralKey().build(), 0));
        assertEquals(Misbehaviour.MALFORMED, refusal(sealed.toBuilder()
                .setPayload(ByteString.copyFromUtf8("in clear")).build(), 0));
        assertEquals(Misbehaviour.UNSUPPORTED_VERSION, refusal(Envelope.create(alice, bob.peerId(), NOW, EXPIRES,
                payload).toProto(), 0), "a relay takes no new deposit that names its sender");
        assertEquals(Misbehaviour.EXPIRED, refusalAt(sealed, EXPIRES));
    }

    private Misbehaviour refusal(WireEnvelope envelope, int bits) {
        return assertThrows(EnvelopeException.class, () -> SealedEnvelope.check(envelope, NOW, bits)).rejection();
    }

    private Misbehaviour refusalAt(WireEnvelope envelope, long at) {
        return assertThrows(EnvelopeException.class, () -> SealedEnvelope.check(envelope, at, 0)).rejection();
    }

    @Test
    void aStampIsFoundForItsOwnRecipientAddressAndEpochOnly() {
        byte[] recipient = bob.peerId().publicKey();
        byte[] address = new PairAddresses(alice).to(bob.peerId(), 1).address();
        long nonce = Stamp.find(recipient, address, 1, 16);
        assertTrue(Stamp.meets(recipient, address, 1, nonce, 16));
        assertFalse(Stamp.meets(recipient, address, 2, nonce, 16), "another epoch");
        assertFalse(Stamp.meets(carol.peerId().publicKey(), address, 1, nonce, 16), "another recipient");
        assertFalse(Stamp.meets(recipient, carol.peerId().publicKey(), 1, nonce, 16), "another address");
        assertThrows(IllegalArgumentException.class, () -> Stamp.checkedBits(Stamp.MAX_BITS + 1));
    }

    @Test
    void theIdentityKeysMontgomeryFormIsTheOneItsScalarGives() {
        for (int i = 0; i < 16; i++) {
            byte[] seed = Ed25519.generateSeed(RANDOM);
            assertArrayEquals(X25519.publicKey(X25519.fromEd25519Seed(seed)),
                    X25519.fromEd25519PublicKey(Ed25519.publicKey(seed)));
        }
    }
}
