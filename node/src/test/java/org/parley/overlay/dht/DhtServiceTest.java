package org.parley.overlay.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.Direction;
import org.parley.link.PeerInfo;
import org.parley.link.EmbeddedLinks;
import org.parley.messaging.PrekeyBundles;
import org.parley.overlay.discovery.Discovery;
import org.parley.overlay.discovery.DiscoveryConfig;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.DhtMessage;
import org.parley.proto.wire.v1.FindNode;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.Nodes;
import org.parley.proto.wire.v1.PeerExchange;
import org.parley.proto.wire.v1.StoreRecord;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;

/** One DhtService against scripted neighbours: what it asks, what it answers, what it refuses. */
class DhtServiceTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    private final EmbeddedLinks links = new EmbeddedLinks();
    private final Identity self = Identity.generate("self", RANDOM);
    private final Identity mallory = Identity.generate("mallory", RANDOM);
    private final Identity target = Identity.generate("target", RANDOM);
    private Discovery discovery;
    private DhtService dht;

    @BeforeEach
    void start() {
        discovery = new Discovery(self, links, loop, loop, new SeededRng(1), DiscoveryConfig.defaults(),
                () -> List.of("10.0.0.1:7000"), () -> PrekeyBundles.throwaway(self, RANDOM, loop.nowMillis()));
        // These tests count the lookups of publication over hours: no bucket refresh in between.
        dht = new DhtService(self.peerId(), links, loop, loop,
                DhtConfig.defaults().withBucketRefreshInterval(Duration.ofDays(365)), discovery);
        dht.start(Duration.ofHours(1));
        // Mallory is linked and known: its own record came over the link.
        links.open(mallory.peerId());
        discovery.frameReceived(mallory.peerId(), Frame.newBuilder()
                .setPeerRecord(record(mallory, "10.6.6.6:7000").toProto()).build());
    }

    @Test
    void aLookupAsksAContactAndFindsTheTargetOneHopAway() {
        CompletableFuture<LookupResult> lookup = dht.lookup(target.peerId());
        long request = lastFindNodeTo(mallory.peerId());
        PeerRecord targetRecord = record(target, "10.7.7.7:7000");
        answer(mallory.peerId(), request, List.of(targetRecord.toProto()));
        assertFalse(lookup.isDone(), "the first record heard may be a replay: the target is asked to confirm it");
        loop.advance(DhtConfig.defaults().lookupDeadline());

        LookupResult result = lookup.join();
        assertEquals(targetRecord, result.record().orElseThrow());
        assertEquals(1, result.hops());
        assertEquals(2, result.queries(), "mallory, then the target itself (which never linked up)");
        assertTrue(links.penalties().isEmpty(), links.penalties().toString());
    }

    @Test
    void aHeldRecordIsFoundWithoutAsking() {
        LookupResult result = dht.lookup(mallory.peerId()).join();
        assertEquals(mallory.peerId(), result.record().orElseThrow().peer());
        assertEquals(0, result.hops());
        assertEquals(0, result.queries());
    }

    @Test
    void aContactNotLinkedIsDialedAndAskedOnceTheLinkIsUp() {
        Identity carol = Identity.generate("carol", RANDOM);
        discovery.frameReceived(mallory.peerId(), Frame.newBuilder().setPeerExchange(PeerExchange.newBuilder()
                .addRecords(record(carol, "10.8.8.8:7000").toProto())).build());
        links.close(mallory.peerId());

        CompletableFuture<LookupResult> lookup = dht.lookup(target.peerId());
        assertTrue(links.dials().contains(DialTarget.peerAt(carol.peerId(),
                org.parley.link.HostPort.parse("10.8.8.8:7000"))), "dialed: " + links.dials());
        links.open(carol.peerId());
        dht.peerConnected(new PeerInfo(carol.peerId(), "10.8.8.8:7000", Direction.OUTBOUND, loop.nowMillis(), "t"));
        answer(carol.peerId(), lastFindNodeTo(carol.peerId()), List.of(record(target, "10.7.7.7:7000").toProto()));
        loop.advance(DhtConfig.defaults().lookupDeadline());
        assertTrue(lookup.join().record().isPresent());
    }

    /**
     * Peers an answer names fill free places in the table before anyone has talked to them, so
     * that parts of a neighbourhood that formed apart come to know each other; one that never
     * answers is dropped again like any silent contact.
     */
    @Test
    void aPeerNamedInAnAnswerTakesAFreePlaceInTheTableAndIsNamedToOthers() {
        Identity carol = Identity.generate("carol", RANDOM);
        Identity dave = Identity.generate("dave", RANDOM);
        CompletableFuture<LookupResult> lookup = dht.lookup(target.peerId());
        answer(mallory.peerId(), lastFindNodeTo(mallory.peerId()), List.of(record(carol, "10.8.8.8:7000").toProto()));
        assertEquals(2, dht.contacts(), "mallory, and carol whom mallory named");

        connect(dave);
        dht.frameReceived(dave.peerId(), Frame.newBuilder().setDht(DhtMessage.newBuilder().setRequestId(5)
                .setFindNode(FindNode.newBuilder().setTarget(ByteString.copyFrom(
                        DhtKey.ofPeer(carol.peerId()).toBytes())))).build());
        List<Frame> toDave = links.sent().get(dave.peerId());
        List<PeerId> named = toDave.get(toDave.size() - 1).getDht().getNodes().getRecordsList().stream()
                .map(r -> PeerId.fromPublicKey(r.getPeer().toByteArray())).toList();
        assertEquals(carol.peerId(), named.get(0), "carol's record is passed on: " + named);

        loop.advance(Duration.ofSeconds(10));
        assertTrue(lookup.join().record().isEmpty());
        assertTrue(dht.closestContacts(target.peerId(), 20).stream().noneMatch(r -> r.peer().equals(carol.peerId())),
                "carol never answered the lookup's question and was dropped");
    }

    @Test
    void aSilentContactTimesOutAndTheLookupEndsNotFound() {
        CompletableFuture<LookupResult> lookup = dht.lookup(target.peerId());
        loop.advance(Duration.ofSeconds(3));
        LookupResult result = lookup.join();
        assertTrue(result.record().isEmpty());
        assertEquals(1, result.queries());
        assertEquals(0, dht.contacts(), "the silent contact was evicted");
    }

    /**
     * Three contacts that stay silent would hold all α slots until their timeout; after the stall
     * time the lookup asks the fourth, whose answer ends it, and a stalled answer coming late is
     * taken without a penalty.
     */
    @Test
    void silentContactsStallAndTheNextOneIsAskedBeforeTheyTimeOut() {
        List<Identity> contacts = new ArrayList<>(List.of(mallory));
        // Each in a /24 of its own: the table takes at most two of one network into a bucket.
        for (int i = 0; i < 3; i++) {
            Identity peer = Identity.generate("peer" + i, RANDOM);
            links.open(peer.peerId());
            discovery.frameReceived(peer.peerId(), Frame.newBuilder()
                    .setPeerRecord(record(peer, "10.5." + i + ".1:7000").toProto()).build());
            contacts.add(peer);
        }
        CompletableFuture<LookupResult> lookup = dht.lookup(target.peerId());
        List<Identity> asked = contacts.stream().filter(c -> findNodesTo(c.peerId()) == 1).toList();
        List<Identity> waiting = contacts.stream().filter(c -> findNodesTo(c.peerId()) == 0).toList();
        assertEquals(3, asked.size(), "α = 3 queries at first");
        assertEquals(4, dht.contacts());
        Identity fourth = waiting.get(0);

        loop.advance(DhtConfig.defaults().queryStall().minusMillis(1));
        assertEquals(0, findNodesTo(fourth.peerId()), "not stalled yet");
        loop.advance(Duration.ofMillis(1));
        answer(fourth.peerId(), lastFindNodeTo(fourth.peerId()), List.of(record(target, "10.7.7.7:7000").toProto()));

        loop.advance(DhtConfig.defaults().lookupDeadline());
        assertTrue(lookup.join().record().isPresent());
        answer(asked.get(0).peerId(), lastFindNodeTo(asked.get(0).peerId()), List.of());
        assertTrue(links.penalties().isEmpty(), "a late answer to a stalled query is no offence: " + links.penalties());
    }

    @Test
    void aForgedRecordInAnAnswerIsPenalizedAndChangesNothing() {
        CompletableFuture<LookupResult> lookup = dht.lookup(target.peerId());
        org.parley.proto.wire.v1.PeerRecord forged = record(target, "10.7.7.7:7000").toProto().toBuilder()
                .setAddresses(0, "10.6.6.6:7001").build();
        answer(mallory.peerId(), lastFindNodeTo(mallory.peerId()), List.of(forged));

        assertTrue(links.penalties().get(mallory.peerId()) >= 50, links.penalties().toString());
        assertTrue(lookup.join().record().isEmpty(), "a forged record is never a result");
        assertTrue(dht.lookup(target.peerId()).join().record().isEmpty(), "nor remembered");
    }

    @Test
    void anOversizedAnswerIsPenalizedAndChangesNothing() {
        CompletableFuture<LookupResult> lookup = dht.lookup(target.peerId());
        List<org.parley.proto.wire.v1.PeerRecord> flood = new ArrayList<>();
        flood.add(record(target, "10.7.7.7:7000").toProto());
        for (int i = 0; i < DhtConfig.defaults().lookup().k(); i++) {
            flood.add(record(Identity.generate("x" + i, RANDOM), "10.9." + i + ".1:7000").toProto());
        }
        answer(mallory.peerId(), lastFindNodeTo(mallory.peerId()), flood);

        assertEquals(DhtPenalties.OVERSIZED_ANSWER, links.penalties().get(mallory.peerId()));
        assertTrue(lookup.join().record().isEmpty(), "not even the target's genuine record is taken from it");
        assertEquals(0, dht.contacts(), "no contact learned from it, and the sender dropped");
    }

    @Test
    void anUnsolicitedAnswerIsPenalizedButALateOneIsNot() {
        answer(mallory.peerId(), 4242, List.of(record(target, "10.7.7.7:7000").toProto()));
        assertEquals(DhtPenalties.UNSOLICITED, links.penalties().get(mallory.peerId()));

        links.penalties().clear();
        CompletableFuture<LookupResult> lookup = dht.lookup(target.peerId());
        assertFalse(lookup.isDone(), "the unsolicited record was not kept: the lookup has to ask");
        long request = lastFindNodeTo(mallory.peerId());
        loop.advance(Duration.ofSeconds(10));
        answer(mallory.peerId(), request, List.of());
        assertTrue(lookup.isDone());
        assertFalse(links.penalties().containsKey(mallory.peerId()), "an answer after the timeout is only late");
    }

    @Test
    void aFindNodeWithAKeyOfTheWrongSizeIsPenalizedAndUnanswered() {
        links.sent().clear();
        dht.frameReceived(mallory.peerId(), Frame.newBuilder().setDht(DhtMessage.newBuilder().setRequestId(1)
                .setFindNode(FindNode.newBuilder().setTarget(ByteString.copyFrom(new byte[31])))).build());
        assertEquals(DhtPenalties.MALFORMED, links.penalties().get(mallory.peerId()));
        assertTrue(links.sent().isEmpty(), "no answer: " + links.sent());
    }

    @Test
    void aFindNodeIsAnsweredWithTheClosestRecordsHeldOursAndTheTargetsIncluded() {
        Identity carol = Identity.generate("carol", RANDOM);
        discovery.frameReceived(mallory.peerId(), Frame.newBuilder().setPeerExchange(PeerExchange.newBuilder()
                .addRecords(record(carol, "10.8.8.8:7000").toProto())).build());
        dht.frameReceived(mallory.peerId(), Frame.newBuilder().setDht(DhtMessage.newBuilder().setRequestId(9)
                .setFindNode(FindNode.newBuilder().setTarget(ByteString.copyFrom(
                        DhtKey.ofPeer(carol.peerId()).toBytes())))).build());

        DhtMessage answer = links.sent().get(mallory.peerId()).get(links.sent().get(mallory.peerId()).size() - 1).getDht();
        assertEquals(9, answer.getRequestId());
        List<PeerId> peers = answer.getNodes().getRecordsList().stream()
                .map(r -> PeerId.fromPublicKey(r.getPeer().toByteArray())).toList();
        assertEquals(carol.peerId(), peers.get(0), "the target's record first");
        assertTrue(peers.containsAll(List.of(self.peerId(), mallory.peerId())), peers.toString());
    }

    @Test
    void storeRequestsAreKeptFromTheirOwnersOnlyAndServed() {
        Identity carol = Identity.generate("carol", RANDOM);
        StoreRecord ofCarol = StoreRecord.newBuilder().setRecord(record(carol, "10.8.8.8:7000").toProto()).build();
        dht.frameReceived(mallory.peerId(), Frame.newBuilder().setDht(DhtMessage.newBuilder()
                .setStoreRecord(ofCarol)).build());
        assertEquals(DhtPenalties.NOT_OWN_RECORD, links.penalties().get(mallory.peerId()));
        assertEquals(0, dht.storedRecords());

        links.open(carol.peerId());
        dht.frameReceived(carol.peerId(), Frame.newBuilder().setDht(DhtMessage.newBuilder()
                .setStoreRecord(ofCarol)).build());
        assertEquals(1, dht.storedRecords(), "few peers known: we are among carol's closest");
        assertEquals(carol.peerId(), dht.lookup(carol.peerId()).join().record().orElseThrow().peer());
    }

    @Test
    void ourRecordReachesAClosestPeerWhoseLinkWasTrimmedBeforeTheLookupEnded() {
        Identity carol = Identity.generate("carol", RANDOM);
        discovery.frameReceived(mallory.peerId(), Frame.newBuilder().setPeerExchange(PeerExchange.newBuilder()
                .addRecords(record(carol, "10.8.8.8:7000").toProto())).build());
        loop.advance(Duration.ofHours(1));
        // The publication's self-lookup asks mallory over its link and dials carol to ask her.
        long toMallory = lastFindNodeTo(mallory.peerId());
        connect(carol);
        answer(carol.peerId(), lastFindNodeTo(carol.peerId()), List.of());
        // Discovery trims the link the lookup opened before mallory's answer ends the lookup.
        links.close(carol.peerId());
        dht.peerDisconnected(carol.peerId());
        answer(mallory.peerId(), toMallory, List.of());

        assertEquals(1, storesTo(mallory.peerId()));
        assertEquals(0, storesTo(carol.peerId()), "no link to carol yet");
        assertEquals(2, links.dials().stream().filter(dial -> dial.expectedPeer().orElseThrow()
                .equals(carol.peerId())).count(), "carol dialed again to hand over our record");
        connect(carol);
        assertEquals(1, storesTo(carol.peerId()));
        assertTrue(links.penalties().isEmpty(), links.penalties().toString());
    }

    @Test
    void aPeerThatJoinsOurClosestAfterThePublicationGetsOurRecord() {
        loop.advance(Duration.ofHours(1));
        answer(mallory.peerId(), lastFindNodeTo(mallory.peerId()), List.of());
        assertEquals(1, storesTo(mallory.peerId()));

        Identity dave = Identity.generate("dave", RANDOM);
        discovery.frameReceived(mallory.peerId(), Frame.newBuilder().setPeerExchange(PeerExchange.newBuilder()
                .addRecords(record(dave, "10.9.9.9:7000").toProto())).build());
        connect(dave);
        assertEquals(1, storesTo(dave.peerId()), "few peers known: dave is among our closest");
        assertEquals(1, storesTo(mallory.peerId()), "mallory has our record already");
    }

    @Test
    void aYoungNodeLooksItselfUpAgainSoonThenLessOften() {
        loop.advance(Duration.ofHours(1));
        answer(mallory.peerId(), lastFindNodeTo(mallory.peerId()), List.of());
        // The first publication came after an hour; the republish interval (30 minutes) caps the next.
        loop.advance(Duration.ofMinutes(30));
        answer(mallory.peerId(), lastFindNodeTo(mallory.peerId()), List.of());
        assertEquals(2, storesTo(mallory.peerId()));
    }

    private void connect(Identity peer) {
        links.open(peer.peerId());
        dht.peerConnected(new PeerInfo(peer.peerId(), "10.0.0.9:7000", Direction.OUTBOUND, loop.nowMillis(), "t"));
    }

    private long storesTo(PeerId peer) {
        return links.sent().getOrDefault(peer, List.of()).stream()
                .filter(frame -> frame.getDht().hasStoreRecord()
                        && frame.getDht().getStoreRecord().getRecord().getPeer().equals(
                                ByteString.copyFrom(self.peerId().publicKey())))
                .count();
    }

    private long findNodesTo(PeerId peer) {
        return links.sent().getOrDefault(peer, List.of()).stream().filter(frame -> frame.getDht().hasFindNode()).count();
    }

    private long lastFindNodeTo(PeerId peer) {
        List<Frame> frames = links.sent().getOrDefault(peer, List.of());
        for (int i = frames.size() - 1; i >= 0; i--) {
            if (frames.get(i).getDht().hasFindNode()) {
                return frames.get(i).getDht().getRequestId();
            }
        }
        throw new AssertionError("no FindNode sent to " + peer.shortForm() + ": " + links.sent());
    }

    private void answer(PeerId from, long request, List<org.parley.proto.wire.v1.PeerRecord> records) {
        dht.frameReceived(from, Frame.newBuilder().setDht(DhtMessage.newBuilder().setRequestId(request)
                .setNodes(Nodes.newBuilder().addAllRecords(records))).build());
    }

    private PeerRecord record(Identity identity, String address) {
        return PeerRecord.create(identity, List.of(address), 1, loop.nowMillis(), Duration.ofHours(1).toMillis(),
                PrekeyBundles.throwaway(identity, RANDOM, loop.nowMillis()));
    }
}
