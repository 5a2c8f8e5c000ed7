package org.parley.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.parley.crypto.Ed25519;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.EmbeddedLinks;
import org.parley.messaging.Envelope;
import org.parley.messaging.PrekeyBundles;
import org.parley.messaging.RelayItem;
import org.parley.messaging.SealedEnvelope;
import org.parley.messaging.TestSealing;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.MailBatch;
import org.parley.proto.wire.v1.MailboxFrame;
import org.parley.proto.wire.v1.SignedMailRequest;
import org.parley.proto.wire.v1.StoreAnswer.Outcome;
import org.parley.runtime.VirtualScheduler;

/**
 * Mailbox frames no honest peer sends: forged, truncated, oversized, replayed, and requests for
 * someone else's mail. Each is refused with a penalty for the link it came on, and nothing held
 * is lost or handed to the wrong peer.
 */
class HostileMailboxTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final VirtualScheduler loop = new VirtualScheduler(1_767_225_600_000L);
    private final Identity replicaIdentity = Identity.generate("replica", RANDOM);
    private final Identity alice = Identity.generate("alice", RANDOM);
    private final Identity bob = Identity.generate("bob", RANDOM);
    private final Identity mallory = Identity.generate("mallory", RANDOM);
    private final EmbeddedLinks links = new EmbeddedLinks();
    private final List<org.parley.proto.wire.v1.WireEnvelope> taken = new ArrayList<>();
    private final Mailbox replica;

    HostileMailboxTest() {
        List.of(alice.peerId(), bob.peerId(), mallory.peerId()).forEach(links::open);
        replica = mailboxOf(replicaIdentity, links, List.of());
        replica.start();
    }

    private Mailbox mailboxOf(Identity self, EmbeddedLinks on, List<PeerRecord> replicas) {
        Mailbox mailbox = Mailbox.inMemory(self, on, loop, loop, MailboxConfig.defaults(), (peer, count) -> replicas,
                new NothingToRelay(), (from, envelope) -> {
                    taken.add(envelope);
                    return CompletableFuture.completedFuture(null);
                });
        mailbox.requireStampBits(TestSealing.BITS);
        return mailbox;
    }

    private org.parley.proto.wire.v1.WireEnvelope envelope(Identity from, PeerId to, int payloadBytes) {
        long now = loop.nowMillis();
        byte[] payload = new byte[payloadBytes];
        RANDOM.nextBytes(payload);
        return TestSealing.seal(from, to, now, now + Duration.ofDays(7).toMillis(), payload);
    }

    private void receive(Identity from, MailboxFrame.Builder frame) {
        replica.frameReceived(from.peerId(), Frame.newBuilder().setMailbox(frame).build());
        loop.runUntilIdle();
    }

    private Outcome store(Identity from, long requestId, org.parley.proto.wire.v1.WireEnvelope envelope) {
        receive(from, MailboxFrame.newBuilder().setRequestId(requestId).setStore(envelope));
        List<Frame> answers = links.takeSent(from.peerId());
        assertEquals(1, answers.size());
        assertEquals(requestId, answers.get(0).getMailbox().getRequestId());
        return answers.get(0).getMailbox().getStored().getOutcome();
    }

    private double penalty(Identity peer) {
        return links.penalties().getOrDefault(peer.peerId(), 0.0);
    }

    private List<Frame> fetch(Identity on, SignedMailRequest request) {
        receive(on, MailboxFrame.newBuilder().setRequestId(7).setFetch(request));
        return links.takeSent(on.peerId());
    }

    @Test
    void aForgedTruncatedOrOversizedEnvelopeIsRefusedAndNotHeld() {
        org.parley.proto.wire.v1.WireEnvelope honest = envelope(alice, bob.peerId(), 100);
        byte[] signature = honest.getSignature().toByteArray();
        signature[3] ^= 1;
        assertEquals(Outcome.INVALID, store(mallory, 1, honest.toBuilder()
                .setSignature(ByteString.copyFrom(signature)).build()));
        assertEquals(50, penalty(mallory));
        assertEquals(Outcome.INVALID, store(mallory, 2, honest.toBuilder()
                .setAddress(honest.getAddress().substring(0, 31)).build()));
        assertEquals(Outcome.INVALID, store(mallory, 3, envelope(mallory, bob.peerId(), Envelope.MAX_PAYLOAD_BYTES + 1)));
        assertEquals(Outcome.INVALID, store(mallory, 4, honest.toBuilder().clearSealed().build()));
        assertEquals(50 + 20 + 20 + 20, penalty(mallory));
        // A sealed envelope whose sender was put back in clear is not one an honest peer makes.
        assertEquals(Outcome.INVALID, store(mallory, 5, honest.toBuilder().setSender(ByteString.copyFrom(
                alice.peerId().publicKey())).build()));
        assertEquals(50 + 20 + 20 + 20 + 20, penalty(mallory));
        assertEquals(0, replica.bytesHeldForOthers());

        assertEquals(Outcome.STORED, store(alice, 6, honest));
        assertEquals(0, penalty(alice));
    }

    @Test
    void aDepositWithoutTheWorkOrInTheSignedFormatNamingItsSenderIsNotHeld() {
        long now = loop.nowMillis();
        replica.requireStampBits(16);
        org.parley.proto.wire.v1.WireEnvelope cheap = envelope(mallory, bob.peerId(), 100);
        assumeCheapStampMissesSixteenBits(cheap);
        assertEquals(Outcome.INVALID, store(mallory, 1, cheap));
        assertEquals(5, penalty(mallory), "unpaid");
        org.parley.proto.wire.v1.WireEnvelope paid = new org.parley.messaging.Sealing(alice, 16, RANDOM)
                .seal(bob.peerId(), now, now + 60_000, new byte[100], org.parley.messaging.SealedEnvelope.VERSION);
        assertEquals(Outcome.STORED, store(alice, 2, paid));

        // Version 1 names its sender to the replica: new deposits must be sealed. Refused, but an
        // older peer that does not seal yet is not punished for it.
        org.parley.proto.wire.v1.WireEnvelope signed = Envelope.create(alice, bob.peerId(), now, now + 60_000,
                new byte[100]).toProto();
        assertEquals(Outcome.INVALID, store(alice, 3, signed));
        assertEquals(0, penalty(alice));
        assertEquals(1, replica.envelopesHeldForOthers());
    }

    /** The test stamp has 8 bits; it may have 16 by chance (1 in 256): then the test would not test. */
    private static void assumeCheapStampMissesSixteenBits(org.parley.proto.wire.v1.WireEnvelope envelope) {
        org.junit.jupiter.api.Assumptions.assumeFalse(org.parley.messaging.Stamp.meets(
                envelope.getRecipient().toByteArray(), envelope.getAddress().toByteArray(),
                org.parley.messaging.PairAddresses.epochOf(envelope.getCreatedAtMs()), envelope.getStamp(), 16));
    }

    @Test
    void aReplayedStoreIsHeldOnceAndAnExpiredOneIsRefusedAsExpired() {
        org.parley.proto.wire.v1.WireEnvelope honest = envelope(alice, bob.peerId(), 100);
        assertEquals(Outcome.STORED, store(alice, 1, honest));
        long held = replica.bytesHeldForOthers();
        assertEquals(Outcome.STORED, store(alice, 2, honest));
        assertEquals(Outcome.STORED, store(mallory, 3, honest));
        assertEquals(held, replica.bytesHeldForOthers(), "held once, however often it comes");
        assertEquals(1, replica.envelopesHeldForOthers());

        long now = loop.nowMillis();
        org.parley.proto.wire.v1.WireEnvelope old = TestSealing.seal(alice, bob.peerId(), now - 10_000, now - 1,
                new byte[] {1});
        assertEquals(Outcome.EXPIRED, store(alice, 4, old));
        assertEquals(1, replica.envelopesHeldForOthers());
    }

    @Test
    void onlyTheRecipientOnItsOwnLinkCanFetchItsMail() {
        store(alice, 1, envelope(alice, bob.peerId(), 100));

        // Mallory signs a fetch naming bob's key: the signature cannot be bob's.
        SignedMailRequest forged = MailRequest.FETCH.sign(mallory, loop.nowMillis(), List.of()).toBuilder()
                .setRecipient(ByteString.copyFrom(bob.peerId().publicKey())).build();
        assertTrue(fetch(mallory, forged).isEmpty());
        assertEquals(50, penalty(mallory));

        // Bob's own request, captured and sent on mallory's link, is not mallory's to use.
        SignedMailRequest bobs = MailRequest.FETCH.sign(bob, loop.nowMillis(), List.of());
        assertTrue(fetch(mallory, bobs).isEmpty());
        assertEquals(75, penalty(mallory));

        // Mallory asking for its own mail gets its own mail: none.
        List<Frame> own = fetch(mallory, MailRequest.FETCH.sign(mallory, loop.nowMillis(), List.of()));
        assertEquals(0, own.get(0).getMailbox().getMail().getEnvelopesCount());

        List<Frame> answer = fetch(bob, bobs);
        assertEquals(1, answer.get(0).getMailbox().getMail().getEnvelopesCount());
        assertFalse(answer.get(0).getMailbox().getMail().getMore());
        assertEquals(0, penalty(bob));
    }

    @Test
    void aReplayedStaleOrMalformedFetchGetsNothing() {
        store(alice, 1, envelope(alice, bob.peerId(), 100));
        SignedMailRequest first = MailRequest.FETCH.sign(bob, loop.nowMillis(), List.of());
        assertEquals(1, fetch(bob, first).size());
        assertTrue(fetch(bob, first).isEmpty(), "the same request again is a replay");
        assertEquals(5, penalty(bob));

        SignedMailRequest stale = MailRequest.FETCH.sign(bob, loop.nowMillis() + Duration.ofHours(1).toMillis(),
                List.of());
        assertTrue(fetch(bob, stale).isEmpty());
        SignedMailRequest truncated = MailRequest.FETCH.sign(bob, loop.nowMillis() + 1, List.of()).toBuilder()
                .setSignature(ByteString.copyFrom(new byte[63])).build();
        assertTrue(fetch(bob, truncated).isEmpty());
        SignedMailRequest withIds = MailRequest.FETCH.sign(bob, loop.nowMillis() + 2,
                List.of(ByteString.copyFrom(new byte[32])));
        assertTrue(fetch(bob, withIds).isEmpty(), "a fetch names no envelopes");
        assertEquals(5 + 2 + 20 + 20, penalty(bob));
        assertEquals(1, replica.envelopesHeldForOthers(), "nothing lost to bad requests");
    }

    @Test
    void onlyTheRecipientCanDeleteItsMail() {
        org.parley.proto.wire.v1.WireEnvelope mail = envelope(alice, bob.peerId(), 100);
        store(alice, 1, mail);
        ByteString id = ByteString.copyFrom(sha256(mail));

        // Bob's signed delete, replayed by mallory on its own link: refused.
        SignedMailRequest bobsDelete = MailRequest.DELETE.sign(bob, loop.nowMillis(), List.of(id));
        receive(mallory, MailboxFrame.newBuilder().setDelete(bobsDelete));
        // Mallory's own delete naming bob's envelope: mallory's mail only, so nothing.
        receive(mallory, MailboxFrame.newBuilder().setDelete(MailRequest.DELETE.sign(mallory, loop.nowMillis(),
                List.of(id))));
        // Oversized and truncated deletes.
        receive(bob, MailboxFrame.newBuilder().setDelete(MailRequest.DELETE.sign(bob, loop.nowMillis(),
                Collections.nCopies(MailRequest.MAX_IDS + 1, id))));
        receive(bob, MailboxFrame.newBuilder().setDelete(MailRequest.DELETE.sign(bob, loop.nowMillis() + 1,
                List.of(id.substring(0, 31)))));
        assertEquals(1, replica.envelopesHeldForOthers());
        assertEquals(25, penalty(mallory));
        assertEquals(40, penalty(bob));

        receive(bob, MailboxFrame.newBuilder().setDelete(bobsDelete));
        assertEquals(0, replica.envelopesHeldForOthers());
        // The same delete again is a replay; a copy coming back from another replica is not held again.
        receive(bob, MailboxFrame.newBuilder().setDelete(bobsDelete));
        assertEquals(45, penalty(bob));
        assertEquals(Outcome.STORED, store(alice, 2, mail));
        assertEquals(0, replica.envelopesHeldForOthers());
    }

    @Test
    void aFrameWithoutABodyCostsItsSender() {
        receive(mallory, MailboxFrame.newBuilder().setRequestId(1));
        assertEquals(20, penalty(mallory));
    }

    @Test
    void mailNobodyAskedForOrThatIsForgedOrSomeoneElsesIsNotTakenIn() {
        EmbeddedLinks bobsLinks = new EmbeddedLinks();
        bobsLinks.open(replicaIdentity.peerId());
        PeerRecord replicaRecord = PeerRecord.create(replicaIdentity, List.of("10.0.0.9:7000"), 1, loop.nowMillis(),
                Duration.ofHours(1).toMillis(), PrekeyBundles.throwaway(replicaIdentity, RANDOM, loop.nowMillis()));
        Mailbox bobs = mailboxOf(bob, bobsLinks, List.of(replicaRecord));
        bobs.start();
        PeerId from = replicaIdentity.peerId();
        org.parley.proto.wire.v1.WireEnvelope mine = envelope(alice, bob.peerId(), 50);

        bobs.frameReceived(from, Frame.newBuilder().setMailbox(MailboxFrame.newBuilder().setRequestId(999)
                .setMail(MailBatch.newBuilder().addEnvelopes(mine))).build());
        loop.runUntilIdle();
        assertTrue(taken.isEmpty(), "an answer to no request of ours");

        loop.advance(MailboxConfig.defaults().firstPickup());
        long fetchId = lastFetch(bobsLinks, from);
        byte[] signature = mine.getSignature().toByteArray();
        signature[0] ^= 1;
        bobs.frameReceived(from, Frame.newBuilder().setMailbox(MailboxFrame.newBuilder().setRequestId(fetchId)
                .setMail(MailBatch.newBuilder().addEnvelopes(mine)
                        .addEnvelopes(mine.toBuilder().setSignature(ByteString.copyFrom(signature))))).build());
        loop.runUntilIdle();
        assertTrue(taken.isEmpty(), "a batch with a forged envelope is dropped whole");
        assertEquals(50, bobsLinks.penalties().get(from));

        loop.advance(Duration.ofSeconds(6));
        fetchId = lastFetch(bobsLinks, from);
        bobs.frameReceived(from, Frame.newBuilder().setMailbox(MailboxFrame.newBuilder().setRequestId(fetchId)
                .setMail(MailBatch.newBuilder().addEnvelopes(envelope(alice, mallory.peerId(), 50)))).build());
        loop.runUntilIdle();
        assertTrue(taken.isEmpty(), "someone else's mail");
        assertEquals(60, bobsLinks.penalties().get(from));

        loop.advance(Duration.ofSeconds(12));
        fetchId = lastFetch(bobsLinks, from);
        bobs.frameReceived(from, Frame.newBuilder().setMailbox(MailboxFrame.newBuilder().setRequestId(fetchId)
                .setMail(MailBatch.newBuilder().addEnvelopes(mine))).build());
        loop.runUntilIdle();
        assertEquals(List.of(mine), taken);
        MailboxFrame delete = bobsLinks.takeSent(from).get(0).getMailbox();
        assertEquals(List.of(ByteString.copyFrom(sha256(mine))), delete.getDelete().getEnvelopeIdsList());
    }

    private static long lastFetch(EmbeddedLinks links, PeerId to) {
        List<Frame> sent = links.takeSent(to);
        MailboxFrame last = sent.get(sent.size() - 1).getMailbox();
        assertTrue(last.hasFetch(), last.toString());
        return last.getRequestId();
    }

    private byte[] sha256(org.parley.proto.wire.v1.WireEnvelope proto) {
        try {
            return SealedEnvelope.check(proto, loop.nowMillis(), 0).id();
        } catch (org.parley.messaging.EnvelopeException e) {
            throw new AssertionError(e);
        }
    }

    private static final class NothingToRelay implements RelayOutbox {
        @Override
        public List<RelayItem> awaitingRelay() {
            return List.of();
        }

        @Override
        public void relayed(PeerId recipient, org.parley.messaging.MessageId id, int replicas) {
        }
    }

    /**
     * Decision 0047: mail at a pair address is fetched with a request the pair key signs over the
     * asker's ID. A request bob made, replayed on mallory's link, is forged there; a request
     * mallory signs with her own key for the address is forged; a stale one is refused; bob's own
     * gets the mail, and only one of the pair can delete it.
     */
    @Test
    void mailAtAPairAddressGoesOnlyToOneOfThePairOnItsOwnLink() {
        long now = loop.nowMillis();
        long epoch = org.parley.messaging.PairAddresses.epochOf(now);
        org.parley.messaging.PairAddresses.PairKey pair = new org.parley.messaging.PairAddresses(bob)
                .from(alice.peerId(), epoch);
        PeerId place = PeerId.fromPublicKey(pair.address());
        org.parley.proto.wire.v1.WireEnvelope placed = TestSealing.sealPlaced(alice, bob.peerId(), now,
                now + Duration.ofDays(1).toMillis(), new byte[100]);
        assertEquals(Outcome.STORED, store(alice, 1, placed));
        assertEquals(1, replica.envelopesHeldFor(place), "held under the address");
        assertEquals(0, replica.envelopesHeldFor(bob.peerId()), "not under bob's key");

        SignedMailRequest bobs = MailRequest.FETCH.signForPlace(pair.address(), pair.signingKey(), bob.peerId(),
                loop.nowMillis(), List.of());
        assertTrue(fetch(mallory, bobs).isEmpty(), "bob's request is not mallory's to replay");
        assertEquals(50, penalty(mallory));
        Ed25519.SigningKey mallorys = new Ed25519.SigningKey(new byte[32]);
        assertTrue(fetch(mallory, MailRequest.FETCH.signForPlace(pair.address(), mallorys, mallory.peerId(),
                loop.nowMillis(), List.of())).isEmpty(), "only the pair key signs for the address");
        assertEquals(100, penalty(mallory));
        assertTrue(fetch(bob, MailRequest.FETCH.signForPlace(pair.address(), pair.signingKey(), bob.peerId(),
                loop.nowMillis() + Duration.ofHours(1).toMillis(), List.of())).isEmpty(), "stale");

        List<Frame> answer = fetch(bob, MailRequest.FETCH.signForPlace(pair.address(), pair.signingKey(),
                bob.peerId(), loop.nowMillis() + 1, List.of()));
        assertEquals(List.of(placed), answer.get(0).getMailbox().getMail().getEnvelopesList());
        ByteString id = ByteString.copyFrom(SealedEnvelopeIds.of(placed));
        receive(mallory, MailboxFrame.newBuilder().setDelete(MailRequest.DELETE.signForPlace(pair.address(),
                pair.signingKey(), bob.peerId(), loop.nowMillis() + 2, List.of(id))));
        assertEquals(1, replica.envelopesHeldFor(place), "a delete replayed on another link deletes nothing");
        receive(bob, MailboxFrame.newBuilder().setDelete(MailRequest.DELETE.signForPlace(pair.address(),
                pair.signingKey(), bob.peerId(), loop.nowMillis() + 3, List.of(id))));
        assertEquals(0, replica.envelopesHeldFor(place));
    }

    /** The ID a replica gives an envelope. */
    private static final class SealedEnvelopeIds {
        static byte[] of(org.parley.proto.wire.v1.WireEnvelope envelope) {
            try {
                return org.parley.messaging.SealedEnvelope.check(envelope, envelope.getCreatedAtMs(), 0).id();
            } catch (org.parley.messaging.EnvelopeException e) {
                throw new AssertionError(e);
            }
        }
    }
}
