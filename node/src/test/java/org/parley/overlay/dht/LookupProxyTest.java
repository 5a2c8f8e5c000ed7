package org.parley.overlay.dht;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parley.crypto.Aead;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.Direction;
import org.parley.link.EmbeddedLinks;
import org.parley.link.LinkPath;
import org.parley.link.Misbehaviour;
import org.parley.link.PeerInfo;
import org.parley.messaging.PrekeyBundles;
import org.parley.overlay.discovery.Discovery;
import org.parley.overlay.discovery.DiscoveryConfig;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.LookupProxyFrame;
import org.parley.proto.wire.v1.ProxiedAnswer;
import org.parley.proto.wire.v1.ProxiedAnswer.Outcome;
import org.parley.proto.wire.v1.ProxiedQuestion;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;

/** One node as both hops of proxied lookups, against scripted neighbours: what it passes on, answers and refuses. */
class LookupProxyTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    private final EmbeddedLinks links = new EmbeddedLinks();
    private final Identity self = Identity.generate("self", RANDOM);
    private final Identity asker = Identity.generate("asker", RANDOM);
    private final Identity hop2 = Identity.generate("hop2", RANDOM);
    private final Identity target = Identity.generate("target", RANDOM);
    private PeerRecord targetRecord;

    @BeforeEach
    void start() {
        Discovery discovery = new Discovery(self, links, loop, loop, new SeededRng(1), DiscoveryConfig.defaults(),
                () -> List.of("10.0.0.1:7000"), () -> PrekeyBundles.throwaway(self, RANDOM, loop.nowMillis()));
        DhtService dht = new DhtService(self.peerId(), links, loop, loop, DhtConfig.defaults(), discovery);
        links.addLayer(discovery);
        links.addLayer(new LookupProxy(self, links, dht, loop, loop, RANDOM));
        link(asker);
        link(hop2);
        // The target is linked, so that its record is held and hop 2's lookup ends at once.
        targetRecord = record(target, "10.7.7.7:7000");
        link(target);
        links.inject(target.peerId(), Frame.newBuilder().setPeerRecord(targetRecord.toProto()).build());
        links.sent().clear();
    }

    @Test
    void asFirstHopItPassesTheSealedQuestionOnWithoutTheNextHopAndTheAnswerBackUnderTheAskersId() {
        LookupBox.Sealed sealed = LookupBox.seal(hop2.peerId(), target.peerId(), false, loop.nowMillis(), RANDOM);
        links.inject(asker.peerId(), question(41, Optional.of(hop2.peerId()), sealed));

        LookupProxyFrame passed = only(hop2.peerId());
        assertTrue(passed.getQuestion().getNextHop().isEmpty(), "hop 2 is not told it is hop 2 of anyone named");
        assertArrayEquals(sealed.box(), passed.getQuestion().getSealed().toByteArray());
        assertArrayEquals(sealed.ephemeral(), passed.getQuestion().getEphemeral().toByteArray());
        ByteString answer = ByteString.copyFrom(new byte[LookupBox.ANSWER_BLOCK + Aead.OVERHEAD]);
        links.inject(hop2.peerId(), answer(passed.getRequestId(), Outcome.ANSWERED, answer));

        LookupProxyFrame back = only(asker.peerId());
        assertEquals(41, back.getRequestId());
        assertEquals(answer, back.getAnswer().getSealed());
        assertTrue(links.penalties().isEmpty(), links.penalties().toString());
    }

    @Test
    void asSecondHopItLooksThePeerUpAndSealsTheRecordToTheAskersKeyInBlocksOfOneSize() throws Exception {
        LookupBox.Sealed sealed = LookupBox.seal(self.peerId(), target.peerId(), false, loop.nowMillis(), RANDOM);
        links.inject(hop2.peerId(), question(7, Optional.empty(), sealed));

        ProxiedAnswer answer = only(hop2.peerId()).getAnswer();
        assertEquals(Outcome.ANSWERED, answer.getOutcome());
        assertEquals(0, (answer.getSealed().size() - Aead.OVERHEAD) % LookupBox.ANSWER_BLOCK);
        assertEquals(targetRecord.toProto(), LookupBox.openAnswer(sealed.answerKey(),
                answer.getSealed().toByteArray()).orElseThrow());
        assertTrue(links.penalties().isEmpty(), links.penalties().toString());
    }

    @Test
    void truncatedOrOddlyShapedQuestionsAreDroppedAndScoredWithoutPassingAnythingOn() {
        LookupBox.Sealed sealed = LookupBox.seal(hop2.peerId(), target.peerId(), false, loop.nowMillis(), RANDOM);
        ProxiedQuestion good = question(1, Optional.of(hop2.peerId()), sealed).getLookupProxy().getQuestion();
        List<ProxiedQuestion> bad = List.of(
                good.toBuilder().setSealed(good.getSealed().substring(1)).build(),
                good.toBuilder().setSealed(good.getSealed().concat(ByteString.copyFrom(new byte[4096]))).build(),
                good.toBuilder().setEphemeral(good.getEphemeral().substring(0, 31)).build(),
                good.toBuilder().setNextHop(good.getNextHop().substring(0, 31)).build());
        for (ProxiedQuestion question : bad) {
            links.penalties().clear();
            links.inject(asker.peerId(), frame(LookupProxyFrame.newBuilder().setRequestId(1).setQuestion(question)));
            assertEquals(Misbehaviour.MALFORMED.penalty(), links.penalties().get(asker.peerId()));
        }
        links.inject(asker.peerId(), frame(LookupProxyFrame.newBuilder().setRequestId(1)));
        assertTrue(links.sent().getOrDefault(hop2.peerId(), List.of()).isEmpty(), "nothing passed on");
    }

    @Test
    void aQuestionToBePassedBackToItsAskerOrToUsIsAViolation() {
        for (PeerId next : List.of(asker.peerId(), self.peerId())) {
            links.penalties().clear();
            LookupBox.Sealed sealed = LookupBox.seal(next, target.peerId(), false, loop.nowMillis(), RANDOM);
            links.inject(asker.peerId(), question(1, Optional.of(next), sealed));
            assertEquals(Misbehaviour.PROTOCOL_VIOLATION.penalty(), links.penalties().get(asker.peerId()));
        }
        assertTrue(links.sent().isEmpty(), "nothing passed on, nothing looked up: " + links.sent());
    }

    @Test
    void aForgedQuestionIsRefusedAndScoredLightlyWithoutALookup() {
        LookupBox.Sealed sealed = LookupBox.seal(self.peerId(), target.peerId(), false, loop.nowMillis(), RANDOM);
        byte[] forged = sealed.box().clone();
        forged[20] ^= 1;
        links.inject(hop2.peerId(), question(3, Optional.empty(), new LookupBox.Sealed(sealed.ephemeral(), forged,
                sealed.answerKey())));
        // One sealed to someone else does not open here either.
        LookupBox.Sealed elsewhere = LookupBox.seal(asker.peerId(), target.peerId(), false, loop.nowMillis(), RANDOM);
        links.inject(hop2.peerId(), question(4, Optional.empty(), elsewhere));

        List<Frame> answers = links.takeSent(hop2.peerId());
        assertEquals(2, answers.size());
        answers.forEach(frame -> assertEquals(Outcome.REFUSED, frame.getLookupProxy().getAnswer().getOutcome()));
        assertEquals(2 * Misbehaviour.UNOPENED_QUESTION.penalty(), links.penalties().get(hop2.peerId()));
        assertTrue(links.sent().values().stream().allMatch(List::isEmpty), "no lookup asked anyone");
    }

    @Test
    void aReplayedOrOldQuestionIsRefused() {
        LookupBox.Sealed sealed = LookupBox.seal(self.peerId(), target.peerId(), false, loop.nowMillis(), RANDOM);
        links.inject(hop2.peerId(), question(5, Optional.empty(), sealed));
        links.inject(hop2.peerId(), question(6, Optional.empty(), sealed));
        LookupBox.Sealed old = LookupBox.seal(self.peerId(), target.peerId(), false,
                loop.nowMillis() - LookupProxy.QUESTION_WINDOW_MILLIS - 1, RANDOM);
        links.inject(hop2.peerId(), question(7, Optional.empty(), old));

        List<Frame> answers = links.takeSent(hop2.peerId());
        assertEquals(List.of(Outcome.ANSWERED, Outcome.REFUSED, Outcome.REFUSED), answers.stream()
                .map(frame -> frame.getLookupProxy().getAnswer().getOutcome()).toList());
        assertEquals(2 * Misbehaviour.UNOPENED_QUESTION.penalty(), links.penalties().get(hop2.peerId()));
    }

    @Test
    void aNeighbourAskingMoreThanItsShareAMinuteIsToldQuotaAndScored() {
        for (int i = 0; i < LookupProxy.PER_NEIGHBOUR_PER_MINUTE + 1; i++) {
            links.inject(hop2.peerId(), question(i, Optional.empty(),
                    LookupBox.seal(self.peerId(), target.peerId(), false, loop.nowMillis(), RANDOM)));
        }
        List<Frame> answers = links.takeSent(hop2.peerId());
        assertEquals(Outcome.QUOTA, answers.get(answers.size() - 1).getLookupProxy().getAnswer().getOutcome());
        assertEquals(LookupProxy.PER_NEIGHBOUR_PER_MINUTE, answers.stream()
                .filter(frame -> frame.getLookupProxy().getAnswer().getOutcome() == Outcome.ANSWERED).count());
        assertEquals(Misbehaviour.FLOOD.penalty(), links.penalties().get(hop2.peerId()));
    }

    @Test
    void anAnswerFromAnyoneButTheSecondHopOrTooLargeIsNotPassedBack() {
        links.inject(asker.peerId(), question(41, Optional.of(hop2.peerId()),
                LookupBox.seal(hop2.peerId(), target.peerId(), false, loop.nowMillis(), RANDOM)));
        long passedId = only(hop2.peerId()).getRequestId();
        links.inject(target.peerId(), answer(passedId, Outcome.ANSWERED, ByteString.copyFrom(new byte[540])));
        assertEquals(Misbehaviour.ANSWER_TO_NOTHING.penalty(), links.penalties().get(target.peerId()));
        assertTrue(links.takeSent(asker.peerId()).isEmpty(), "a stranger's answer is not passed back");

        links.inject(hop2.peerId(), answer(passedId, Outcome.ANSWERED,
                ByteString.copyFrom(new byte[LookupBox.MAX_SEALED_ANSWER_SIZE + 1])));
        assertEquals(Misbehaviour.TOO_LARGE.penalty(), links.penalties().get(hop2.peerId()));
        assertEquals(Outcome.REFUSED, only(asker.peerId()).getAnswer().getOutcome());
    }

    @Test
    void aSilentSecondHopIsReportedUnreachable() {
        links.inject(asker.peerId(), question(41, Optional.of(hop2.peerId()),
                LookupBox.seal(hop2.peerId(), target.peerId(), false, loop.nowMillis(), RANDOM)));
        links.takeSent(hop2.peerId());
        loop.advance(LookupProxy.PASS_TIMEOUT);
        assertEquals(Outcome.UNREACHABLE, only(asker.peerId()).getAnswer().getOutcome());
    }

    @Test
    void aSecondHopNotLinkedIsDialledAtItsRecordsAddressAndGetsTheQuestionOnceLinked() {
        Identity away = Identity.generate("away", RANDOM);
        // Its record is known (peer exchange brought it), its link is not up.
        links.inject(target.peerId(), Frame.newBuilder().setPeerExchange(
                org.parley.proto.wire.v1.PeerExchange.newBuilder().addRecords(record(away, "10.9.9.9:7000").toProto()))
                .build());
        links.inject(asker.peerId(), question(41, Optional.of(away.peerId()),
                LookupBox.seal(away.peerId(), target.peerId(), false, loop.nowMillis(), RANDOM)));
        loop.runUntilIdle();

        assertEquals(away.peerId(), links.dials().get(links.dials().size() - 1).expectedPeer().orElseThrow());
        link(away);
        assertTrue(only(away.peerId()).hasQuestion());
    }

    private LookupProxyFrame only(PeerId peer) {
        List<Frame> frames = links.takeSent(peer).stream().filter(Frame::hasLookupProxy).toList();
        assertEquals(1, frames.size(), "frames to " + peer.shortForm() + ": " + frames);
        return frames.get(0).getLookupProxy();
    }

    private void link(Identity peer) {
        links.open(new PeerInfo(peer.peerId(), "embedded", Direction.OUTBOUND, 0, "embedded", LinkPath.DIRECT,
                Optional.empty(), Set.of(), false, true));
    }

    private static Frame question(long id, Optional<PeerId> next, LookupBox.Sealed sealed) {
        ProxiedQuestion.Builder question = ProxiedQuestion.newBuilder()
                .setEphemeral(ByteString.copyFrom(sealed.ephemeral())).setSealed(ByteString.copyFrom(sealed.box()));
        next.ifPresent(peer -> question.setNextHop(ByteString.copyFrom(peer.publicKey())));
        return frame(LookupProxyFrame.newBuilder().setRequestId(id).setQuestion(question));
    }

    private static Frame answer(long id, Outcome outcome, ByteString sealed) {
        return frame(LookupProxyFrame.newBuilder().setRequestId(id).setAnswer(ProxiedAnswer.newBuilder()
                .setOutcome(outcome).setSealed(sealed)));
    }

    private static Frame frame(LookupProxyFrame.Builder message) {
        return Frame.newBuilder().setLookupProxy(message).build();
    }

    private PeerRecord record(Identity identity, String address) {
        return PeerRecord.create(identity, List.of(address), 1, loop.nowMillis(), Duration.ofHours(1).toMillis(),
                PrekeyBundles.throwaway(identity, RANDOM, loop.nowMillis()));
    }
}
