package org.parley.overlay.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.Direction;
import org.parley.link.EmbeddedLinks;
import org.parley.link.LinkPath;
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

/** The asker's side of proxied lookups against scripted hops: whom it asks, what it believes, when it asks directly. */
class ProxiedLookupsTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    private final EmbeddedLinks links = new EmbeddedLinks();
    private final Identity self = Identity.generate("self", RANDOM);
    private final Identity target = Identity.generate("target", RANDOM);
    private final Map<PeerId, Identity> hops = new java.util.HashMap<>();
    private Discovery discovery;
    private ProxiedLookups lookups;

    @BeforeEach
    void start() {
        discovery = new Discovery(self, links, loop, loop, new SeededRng(1), DiscoveryConfig.defaults(),
                () -> List.of("10.0.0.1:7000"), () -> PrekeyBundles.throwaway(self, RANDOM, loop.nowMillis()));
        DhtService dht = new DhtService(self.peerId(), links, loop, loop, DhtConfig.defaults(), discovery);
        LookupProxy proxy = new LookupProxy(self, links, dht, loop, loop, RANDOM);
        links.addLayer(discovery);
        links.addLayer(dht);
        links.addLayer(proxy);
        dht.start(Duration.ofHours(1));
        lookups = new ProxiedLookups(self.peerId(), dht, proxy, links, discovery::recordOf, discovery.verifier(), loop,
                loop, new SeededRng(3), RANDOM);
    }

    @Test
    void aPeerWhoseRecordIsNotHeldIsLookedUpThroughTwoOtherHopsAndNoFindNodeLeavesThisNode() throws Exception {
        linkHops(3, true);
        CompletableFuture<LookupResult> lookup = lookups.lookup(target.peerId());

        Sent question = onlyQuestion();
        assertTrue(hops.containsKey(question.hop1) && hops.containsKey(question.hop2));
        assertNotEquals(question.hop1, question.hop2);
        assertNoFindNodeFor(target.peerId());
        PeerRecord record = record(target, "10.7.7.7:7000");
        answerAsHop2(question, Optional.of(record));

        assertEquals(record, lookup.join().record().orElseThrow());
        assertTrue(links.penalties().isEmpty(), links.penalties().toString());
    }

    @Test
    void theTargetIsNeverAHop() {
        linkHops(2, true);
        link(target, true);
        record(target, "10.7.7.7:7000");
        for (int i = 0; i < 20; i++) {
            lookups.lookupNewest(target.peerId());
            Sent question = onlyQuestion();
            assertFalse(question.hop1.equals(target.peerId()) || question.hop2.equals(target.peerId()));
        }
    }

    @Test
    void aFailedRouteIsReplacedOnceByOtherHopsThenTheLookupEndsWithoutAskingDirectly() {
        linkHops(4, true);
        CompletableFuture<LookupResult> lookup = lookups.lookup(target.peerId());
        Sent first = onlyQuestion();
        loop.advance(ProxiedLookups.ANSWER_TIMEOUT);
        Sent second = onlyQuestion();
        assertEquals(Set.copyOf(hops.keySet()), Set.of(first.hop1, first.hop2, second.hop1, second.hop2),
                "the second route shares no hop with the first");
        inject(second.hop1, LookupProxyFrame.newBuilder().setRequestId(second.id)
                .setAnswer(ProxiedAnswer.newBuilder().setOutcome(Outcome.UNREACHABLE)));

        assertTrue(lookup.isDone());
        assertTrue(lookup.join().record().isEmpty());
        assertNoFindNodeFor(target.peerId());
    }

    @Test
    void anAnswerThatDoesNotOpenOrNamesAnotherPeerIsNotBelieved() throws Exception {
        linkHops(4, true);
        CompletableFuture<LookupResult> lookup = lookups.lookup(target.peerId());
        Sent first = onlyQuestion();
        inject(first.hop1, LookupProxyFrame.newBuilder().setRequestId(first.id).setAnswer(ProxiedAnswer.newBuilder()
                .setOutcome(Outcome.ANSWERED).setSealed(ByteString.copyFrom(new byte[540]))));
        Sent second = onlyQuestion();
        answerAsHop2(second, Optional.of(record(Identity.generate("someone", RANDOM), "10.5.5.5:7000")));

        assertTrue(lookup.join().record().isEmpty(), "a record of someone else is no answer");
        // An answer from a peer not asked is ignored, not taken for the hop's.
        assertFalse(lookups.answered(target.peerId(), second.id, ProxiedAnswer.getDefaultInstance()));
    }

    @Test
    void withFewerThanTwoNeighboursThatProxyItLooksUpDirectly() {
        linkHops(1, true);
        linkHops(3, false);
        lookups.lookup(target.peerId());
        loop.runUntilIdle();

        assertTrue(links.sendLog().stream().noneMatch(Frame::hasLookupProxy), "no question to anyone");
        assertTrue(links.sendLog().stream().anyMatch(frame -> frame.hasDht() && frame.getDht().hasFindNode()
                && frame.getDht().getFindNode().getTarget().equals(key(target.peerId()))), "a direct lookup");
    }

    @Test
    void aSecondHopMustBeDialable() {
        Identity natted = Identity.generate("natted", RANDOM);
        link(natted, true);
        inject(natted.peerId(), PeerRecord.create(natted, List.of(), 1, loop.nowMillis(),
                Duration.ofHours(1).toMillis(), PrekeyBundles.throwaway(natted, RANDOM, loop.nowMillis())));
        linkHops(1, true);
        for (int i = 0; i < 10; i++) {
            lookups.lookupNewest(target.peerId());
            assertNotEquals(natted.peerId(), onlyQuestion().hop2, "hop 1 could not dial it");
        }
    }

    private record Sent(long id, PeerId hop1, PeerId hop2, ProxiedQuestion question) {
    }

    private Sent onlyQuestion() {
        List<Sent> questions = new ArrayList<>();
        for (Map.Entry<PeerId, List<Frame>> entry : links.sent().entrySet()) {
            for (Frame frame : entry.getValue()) {
                if (frame.hasLookupProxy() && frame.getLookupProxy().hasQuestion()) {
                    ProxiedQuestion question = frame.getLookupProxy().getQuestion();
                    questions.add(new Sent(frame.getLookupProxy().getRequestId(), entry.getKey(),
                            PeerId.fromPublicKey(question.getNextHop().toByteArray()), question));
                }
            }
        }
        links.sent().clear();
        assertEquals(1, questions.size(), questions.toString());
        return questions.get(0);
    }

    private void answerAsHop2(Sent sent, Optional<PeerRecord> record) throws Exception {
        LookupBox.Opened opened = LookupBox.open(hops.get(sent.hop2), sent.question.getEphemeral().toByteArray(),
                sent.question.getSealed().toByteArray());
        assertEquals(target.peerId(), opened.target(), "hop 2 reads the target");
        byte[] sealed = LookupBox.sealAnswer(opened.answerKey(), record.map(PeerRecord::toProto), RANDOM);
        inject(sent.hop1, LookupProxyFrame.newBuilder().setRequestId(sent.id).setAnswer(ProxiedAnswer.newBuilder()
                .setOutcome(Outcome.ANSWERED).setSealed(ByteString.copyFrom(sealed))));
    }

    private void assertNoFindNodeFor(PeerId peer) {
        assertTrue(links.sendLog().stream().noneMatch(frame -> frame.hasDht() && frame.getDht().hasFindNode()
                && frame.getDht().getFindNode().getTarget().equals(key(peer))), "this node asked for the key itself");
    }

    private static ByteString key(PeerId peer) {
        return ByteString.copyFrom(DhtKey.ofPeer(peer).toBytes());
    }

    private void linkHops(int count, boolean proxies) {
        Set<PeerId> before = new HashSet<>(hops.keySet());
        for (int i = 0; i < count; i++) {
            Identity hop = Identity.generate("hop", RANDOM);
            link(hop, proxies);
            inject(hop.peerId(), record(hop, "10.1." + hops.size() + "." + i + ":7000"));
            if (proxies) {
                hops.put(hop.peerId(), hop);
            }
        }
        assertEquals(before.size() + (proxies ? count : 0), hops.size());
        links.sent().clear();
    }

    private void link(Identity peer, boolean proxies) {
        links.open(new PeerInfo(peer.peerId(), "embedded", Direction.OUTBOUND, 0, "embedded", LinkPath.DIRECT,
                Optional.empty(), Set.of(), false, proxies));
    }

    private void inject(PeerId from, PeerRecord record) {
        links.inject(from, Frame.newBuilder().setPeerRecord(record.toProto()).build());
    }

    private void inject(PeerId from, LookupProxyFrame.Builder message) {
        links.inject(from, Frame.newBuilder().setLookupProxy(message).build());
    }

    private PeerRecord record(Identity identity, String address) {
        return PeerRecord.create(identity, List.of(address), 1, loop.nowMillis(), Duration.ofHours(1).toMillis(),
                PrekeyBundles.throwaway(identity, RANDOM, loop.nowMillis()));
    }
}
