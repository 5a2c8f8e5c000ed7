package org.parley.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.EmbeddedLinks;
import org.parley.link.FuzzedFrames;
import org.parley.messaging.MessageId;
import org.parley.messaging.PrekeyBundles;
import org.parley.messaging.RelayItem;
import org.parley.messaging.TestSealing;
import org.parley.proto.wire.v1.Frame;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.MailboxFrame;
import org.parley.proto.wire.v1.StoreAnswer;
import org.parley.proto.wire.v1.StoreAnswer.Outcome;
import org.parley.proto.wire.v1.WireEnvelope;
import org.parley.runtime.VirtualScheduler;

/**
 * A stream of arbitrary mailbox frames from a stranger to a replica holding alice's mail for bob:
 * nothing escapes, the stranger is handed no mail but its own, and bob still fetches his. The
 * replica also forwards deposits (decision 0061), to alice and bob as the replicas it knows: what
 * it is asked to forward it only ever stores, never at the asker, and an honest neighbour's
 * forward still gets its answer. The saved input {@code forward-placed} asks it to forward a valid
 * placed envelope (made at the target's fixed time; a placed envelope checks without knowing the
 * pair, so it holds whichever identities a run makes), twice, then stores it: the forwarding path
 * from the first input on.
 */
class MailboxFuzzTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Identity ALICE = Identity.generate("alice", RANDOM);
    private static final Identity BOB = Identity.generate("bob", RANDOM);
    private static final Identity MALLORY = Identity.generate("mallory", RANDOM);
    private static final long NOW = 1_767_225_600_000L;
    /** Made once: signing an envelope per input would slow the fuzzer down for nothing. */
    private static final WireEnvelope FOR_BOB = TestSealing.seal(ALICE, BOB.peerId(), NOW,
            NOW + Duration.ofDays(7).toMillis(), new byte[64]);
    private static final WireEnvelope PLACED = TestSealing.sealPlaced(ALICE, BOB.peerId(), NOW,
            NOW + Duration.ofDays(7).toMillis(), new byte[48]);
    /** The replicas the replica knows, for what it forwards. */
    private static final List<PeerRecord> KNOWN = List.of(recordOf(ALICE), recordOf(BOB));

    private static PeerRecord recordOf(Identity identity) {
        return PeerRecord.create(identity, List.of("10.0.0.9:7000"), 1, NOW, Duration.ofHours(1).toMillis(),
                PrekeyBundles.throwaway(identity, RANDOM, NOW));
    }

    @FuzzTest(maxDuration = "60s")
    void hostileMailboxFramesLoseNoMailAndHandOutNoneOfOthers(byte[] input) {
        VirtualScheduler loop = new VirtualScheduler(NOW);
        EmbeddedLinks links = new EmbeddedLinks();
        List.of(ALICE.peerId(), BOB.peerId(), MALLORY.peerId()).forEach(links::open);
        Mailbox replica = Mailbox.inMemory(Identity.generate("replica", RANDOM), links, loop, loop,
                MailboxConfig.defaults(), (peer, count) -> KNOWN, new NothingToRelay(),
                (from, envelope) -> CompletableFuture.completedFuture(null));
        replica.requireStampBits(TestSealing.BITS);
        links.addLayer(replica);
        replica.start();
        links.inject(ALICE.peerId(), Frame.newBuilder().setMailbox(MailboxFrame.newBuilder().setRequestId(1)
                .setStore(FOR_BOB)).build());
        loop.runUntilIdle();
        assertEquals(1, replica.envelopesHeldFor(BOB.peerId()));

        for (MailboxFrame frame : FuzzedFrames.split(input, MailboxFrame.parser())) {
            links.inject(MALLORY.peerId(), Frame.newBuilder().setMailbox(frame).build());
            loop.advance(Duration.ofMillis(100));
        }
        loop.advance(MailboxConfig.defaults().answerTimeout().plusSeconds(1));

        assertTrue(links.sendLog().stream().noneMatch(frame -> frame.getMailbox().hasForward()),
                "a forwarder only stores, never forwards on");
        assertTrue(links.sent().getOrDefault(MALLORY.peerId(), List.of()).stream()
                .noneMatch(frame -> frame.getMailbox().hasStore()), "never stores back at the asker");
        links.sent().clear();
        links.inject(ALICE.peerId(), Frame.newBuilder().setMailbox(MailboxFrame.newBuilder().setRequestId(3)
                .setForward(PLACED)).build());
        loop.runUntilIdle();
        List<Frame> stores = links.takeSent(BOB.peerId()).stream()
                .filter(frame -> frame.getMailbox().hasStore()).toList();
        assertEquals(1, stores.size(), "an honest neighbour's forward goes to the replica it knows but the asker");
        links.inject(BOB.peerId(), Frame.newBuilder().setMailbox(MailboxFrame.newBuilder()
                .setRequestId(stores.get(0).getMailbox().getRequestId()).setStored(StoreAnswer.newBuilder().setOutcome(Outcome.STORED))).build());
        loop.runUntilIdle();
        assertEquals(List.of(Outcome.STORED), links.takeSent(ALICE.peerId()).stream()
                .filter(frame -> frame.getMailbox().hasStored() && frame.getMailbox().getRequestId() == 3)
                .map(frame -> frame.getMailbox().getStored().getOutcome()).toList());

        ByteString malloryKey = ByteString.copyFrom(MALLORY.peerId().publicKey());
        links.takeSent(MALLORY.peerId()).stream().filter(Frame::hasMailbox)
                .flatMap(frame -> frame.getMailbox().getMail().getEnvelopesList().stream())
                .forEach(envelope -> assertEquals(malloryKey, envelope.getRecipient(), "only its own mail"));
        assertEquals(1, replica.envelopesHeldFor(BOB.peerId()), "bob's mail is still held");
        links.inject(BOB.peerId(), Frame.newBuilder().setMailbox(MailboxFrame.newBuilder().setRequestId(2)
                .setFetch(MailRequest.FETCH.sign(BOB, loop.nowMillis(), List.of()))).build());
        loop.runUntilIdle();
        assertEquals(List.of(FOR_BOB), links.takeSent(BOB.peerId()).stream().filter(Frame::hasMailbox)
                .flatMap(frame -> frame.getMailbox().getMail().getEnvelopesList().stream()).toList());
    }

    private static final class NothingToRelay implements RelayOutbox {
        @Override
        public List<RelayItem> awaitingRelay() {
            return List.of();
        }

        @Override
        public void relayed(PeerId recipient, MessageId id, int replicas) {
        }
    }
}
