package org.parley.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.WireEnvelope;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.RatchetMessage;
import org.parley.proto.wire.v1.Receipts;
import org.parley.runtime.VirtualScheduler;

/**
 * Every kind of bad envelope, handed to bob by a neighbour (mallory): each is refused, counted
 * against the neighbour that delivered it, scored down, and leaves bob's history empty.
 */
class HostileEnvelopeTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path directory;

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    private final PeerId mallory = Identity.generate("mallory", RANDOM).peerId();
    private MessagingNode alice;
    private MessagingNode bob;
    private WireEnvelope genuine;

    @BeforeEach
    void captureAGenuineEnvelope() throws Exception {
        alice = new MessagingNode("alice", loop, directory, RANDOM);
        bob = new MessagingNode("bob", loop, directory, RANDOM);
        MessagingNode.link(alice, bob);
        loop.runUntilIdle();
        alice.dropping.add(bob.id());
        alice.send(bob.id(), "genuine");
        loop.runUntilIdle();
        genuine = alice.sent.stream().filter(Frame::hasEnvelope).reduce((first, second) -> second).orElseThrow()
                .getEnvelope();
    }

    @Test
    void theGenuineEnvelopeIsAccepted() {
        deliver(genuine);
        assertEquals(1, bob.history(alice.id()).size());
        assertTrue(bob.penalties.isEmpty());
    }

    @Test
    void aForgedSignatureIsRefused() {
        byte[] signature = genuine.getSignature().toByteArray();
        signature[7] ^= 1;
        assertRefused(genuine.toBuilder().setSignature(ByteString.copyFrom(signature)).build(), "forged");
    }

    @Test
    void aChangedFieldUnderTheOriginalSignatureIsRefused() {
        assertRefused(genuine.toBuilder().setExpiresAtMs(genuine.getExpiresAtMs() + 1).build(), "forged");
    }

    @Test
    void tamperedCiphertextSignedByTheSenderIsRefused() throws Exception {
        RatchetMessage message = RatchetMessage.parseFrom(opened(genuine));
        byte[] ciphertext = message.getCiphertext().toByteArray();
        ciphertext[ciphertext.length - 1] ^= 1;
        byte[] tampered = message.toBuilder().setCiphertext(ByteString.copyFrom(ciphertext)).build().toByteArray();
        assertRefused(resigned(tampered), "undecryptable");
        deliver(genuine);
        assertEquals(1, bob.history(alice.id()).size(), "the failed attempt did not disturb the session");
    }

    @Test
    void aReplayedEnvelopeIsRefusedAndStoredOnce() {
        deliver(genuine);
        deliver(genuine);
        assertEquals(1, bob.history(alice.id()).size());
        assertEquals(1L, bob.messenger.refusedFrom(mallory).get("replayed"));
        assertTrue(bob.penalties.get(mallory) > 0);
    }

    @Test
    void receiptsMixedWithARatchetMessageAreRefused() throws Exception {
        RatchetMessage mixed = RatchetMessage.parseFrom(opened(genuine)).toBuilder()
                .setReceipts(Receipts.newBuilder().addMessageIds(ByteString.copyFrom(new byte[MessageId.SIZE])))
                .build();
        assertRefused(resigned(mixed.toByteArray()), "malformed");
        deliver(genuine);
        assertEquals(1, bob.history(alice.id()).size(), "the refused one did not touch the session");
    }

    @Test
    void aReplayedSignedReceiptIsRefused() {
        byte[] receipt = RatchetMessage.newBuilder()
                .setReceipts(Receipts.newBuilder().addMessageIds(ByteString.copyFrom(new byte[MessageId.SIZE])))
                .build().toByteArray();
        WireEnvelope signed = resigned(receipt);
        deliver(signed);
        assertTrue(bob.messenger.refusedFrom(mallory).isEmpty(), "the first one is a receipt like any");
        assertRefused(signed, "replayed");
    }

    @Test
    void anEnvelopeForSomeoneElseIsRefused() {
        Identity carol = Identity.generate("carol", RANDOM);
        assertRefused(TestSealing.seal(alice.identity, carol.peerId(), loop.nowMillis(), loop.nowMillis() + 60_000,
                opened(genuine)), "not-for-us");
    }

    /** A newer node's envelope is refused and counted, but not scored: its sender did nothing wrong (decision 0047). */
    @Test
    void anUnknownVersionIsRefusedWithoutAPenalty() {
        deliver(genuine.toBuilder().setVersion(4).build());
        assertTrue(bob.history(alice.id()).isEmpty(), "nothing stored");
        assertEquals(1, bob.messenger.refusedFrom(mallory).getOrDefault("unsupported-version", 0L));
        assertEquals(0.0, bob.penalties.getOrDefault(mallory, 0.0), "not scored down");
    }

    @Test
    void truncatedFieldsAndPayloadsAreRefused() {
        assertRefused(genuine.toBuilder().setAddress(genuine.getAddress().substring(0, 31)).build(), "malformed");
        assertRefused(genuine.toBuilder().setEphemeralKey(genuine.getEphemeralKey().substring(0, 31)).build(),
                "malformed");
        byte[] payload = opened(genuine);
        assertRefused(resigned(Arrays.copyOf(payload, payload.length / 2)), "malformed");
        assertRefused(genuine.toBuilder().setSignature(genuine.getSignature().substring(0, 10)).build(), "malformed");
        assertRefused(genuine.toBuilder().setSealed(genuine.getSealed().substring(0, 40)).build(), "malformed");
        // Cut short above the smallest box: the pair key signed the whole box, so it is a forgery.
        assertRefused(genuine.toBuilder().setSealed(genuine.getSealed().substring(0, genuine.getSealed().size() - 1))
                .build(), "forged");
    }

    @Test
    void oversizedAndExpiredEnvelopesAreRefused() {
        assertRefused(resigned(new byte[org.parley.messaging.Envelope.MAX_PAYLOAD_BYTES + 1]), "too-large");
        WireEnvelope stale = TestSealing.seal(alice.identity, bob.id(), loop.nowMillis() - 10_000,
                loop.nowMillis() - 1, opened(genuine));
        assertRefused(stale, "expired");
    }

    @Test
    void aSealedEnvelopeNamingAnotherSenderInsideIsRefusedAsForged() {
        Identity mallorys = Identity.generate("mallory's", RANDOM);
        assertRefused(TestSealing.forgedAs(alice.identity, mallorys, bob.id(), genuine.getCreatedAtMs(),
                genuine.getExpiresAtMs(), opened(genuine)), "forged");
    }

    @Test
    void aSealedEnvelopeMovedToAnotherRecipientIsRefused() {
        Identity carol = Identity.generate("carol", RANDOM);
        // Addressed to bob by the one field a relay could rewrite: the pair key signed the recipient.
        WireEnvelope forCarol = TestSealing.seal(alice.identity, carol.peerId(), genuine.getCreatedAtMs(),
                genuine.getExpiresAtMs(), opened(genuine));
        assertRefused(forCarol.toBuilder().setRecipient(ByteString.copyFrom(bob.id().publicKey())).build(), "forged");
    }

    @Test
    void anEnvelopeInTheSignedFormatIsStillTakenFromAPeerThatDoesNotSealYet() {
        MessagingNode.befriend(bob, alice);
        loop.runUntilIdle();
        WireEnvelope signed = org.parley.messaging.Envelope.create(alice.identity, bob.id(), genuine.getCreatedAtMs(),
                genuine.getExpiresAtMs(), opened(genuine)).toProto();
        deliver(signed);
        assertEquals(1, bob.history(alice.id()).size());
        assertTrue(bob.penalties.isEmpty());
    }

    /** The payload inside, as bob opens it. */
    private byte[] opened(WireEnvelope envelope) {
        return TestSealing.open(bob.identity, envelope, loop.nowMillis()).envelope().payload();
    }

    private WireEnvelope resigned(byte[] payload) {
        return TestSealing.seal(alice.identity, bob.id(), genuine.getCreatedAtMs(), genuine.getExpiresAtMs(), payload);
    }

    private void deliver(WireEnvelope envelope) {
        loop.execute(() -> bob.messenger.frameReceived(mallory, Frame.newBuilder().setEnvelope(envelope).build()));
        loop.advance(Duration.ofSeconds(1));
    }

    private void assertRefused(WireEnvelope envelope, String reason) {
        long before = bob.messenger.refusedFrom(mallory).getOrDefault(reason, 0L);
        double penaltyBefore = bob.penalties.getOrDefault(mallory, 0.0);
        deliver(envelope);
        assertTrue(bob.history(alice.id()).isEmpty(), "nothing stored");
        assertEquals(before + 1, bob.messenger.refusedFrom(mallory).getOrDefault(reason, 0L),
                reason + " counted: " + bob.messenger.refusedFrom(mallory));
        assertTrue(bob.penalties.getOrDefault(mallory, 0.0) > penaltyBefore, "scored down");
    }
}
