package org.parley.overlay.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.Direction;
import org.parley.link.PeerInfo;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.DhtMessage;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.Nodes;

/**
 * A record lookup whose k closest contacts collude (they answer with one another, never with
 * the target) runs out of peers to ask; a second lookup from the table's next contacts, which
 * asks none of the first one's peers, finds the record through one honest contact.
 */
class DisjointLookupTest {
    private final DhtFixture fixture = new DhtFixture(DhtFixture.with(2, 1));
    private final Identity target = Identity.generate("target", DhtFixture.RANDOM);
    private final DhtService dht = new DhtService(fixture.self.peerId(), fixture.links, fixture.loop, fixture.loop,
            fixture.config.withBucketRefreshInterval(Duration.ofDays(365)), fixture.discovery);

    @Test
    void aLookupWhoseClosestContactsColludeFindsTheRecordOnADisjointPath() {
        dht.start(Duration.ofDays(1));
        DhtKey key = DhtKey.ofPeer(target.peerId());
        // Five peers; the two closest to the target collude, the farthest is honest. The honest
        // one must reach the table: buckets hold k = 2, and when all three linked peers fall in
        // one bucket (for random keys most often the first bit's, a few runs in a hundred) the
        // last one linked waits as a replacement, and no lookup would ever ask it.
        List<PeerRecord> peers;
        do {
            peers = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                peers.add(fixture.newPeer("peer" + i));
            }
            peers.sort(Comparator.comparing(record -> DhtKey.ofPeer(record.peer()), key.byDistance()));
        } while (oneBucket(peers.get(0), peers.get(1), peers.get(4)));
        List<PeerRecord> sybils = peers.subList(0, 2);
        PeerRecord honest = peers.get(4);
        for (PeerRecord peer : List.of(sybils.get(0), sybils.get(1), honest)) {
            link(peer);
        }
        PeerRecord targetRecord = fixture.record(target, 1);

        CompletableFuture<LookupResult> lookup = dht.lookup(target.peerId());
        for (int round = 0; round < 4 && !lookup.isDone(); round++) {
            for (PeerRecord sybil : sybils) {
                answerOpen(sybil.peer(), sybils);
            }
            answerOpen(honest.peer(), List.of(targetRecord));
            fixture.loop.advance(Duration.ofSeconds(3));
        }
        fixture.loop.advance(DhtConfig.defaults().lookupDeadline().multipliedBy(2));

        assertTrue(lookup.isDone());
        assertEquals(targetRecord, lookup.join().record().orElseThrow(), "found through the honest contact");
        assertEquals(1, findNodesTo(sybils.get(0).peer()), "each colluder asked once, by the first lookup only");
        assertEquals(1, findNodesTo(sybils.get(1).peer()));
    }

    @Test
    void aLookupThatFindsTheRecordAsksNoSecondPath() {
        dht.start(Duration.ofDays(1));
        PeerRecord honest = fixture.newPeer("honest");
        link(honest);
        PeerRecord targetRecord = fixture.record(target, 1);

        CompletableFuture<LookupResult> lookup = dht.lookup(target.peerId());
        answerOpen(honest.peer(), List.of(targetRecord));
        fixture.loop.advance(DhtConfig.defaults().lookupDeadline());

        assertEquals(targetRecord, lookup.join().record().orElseThrow());
        assertEquals(1, findNodesTo(honest.peer()));
    }

    @Test
    void aDisjointLookupNeverTakesThePeersToAvoidAsCandidates() {
        PeerRecord avoided = fixture.newPeer("avoided");
        PeerRecord other = fixture.newPeer("other");
        Contact avoid = Contact.of(avoided.peer(), avoided.addresses().get(0), 0);
        Contact start = Contact.of(other.peer(), other.addresses().get(0), 0);
        IterativeLookup lookup = new IterativeLookup(DhtKey.ofPeer(target.peerId()), fixture.self.peerId(),
                List.of(avoid, start), new LookupConfig(2, 2, 10), true, java.util.Set.of(avoided.peer()));

        assertEquals(List.of(start), lookup.nextQueries());
        lookup.responded(other.peer(), List.of(avoid));
        assertTrue(lookup.nextQueries().isEmpty());
        assertTrue(lookup.isFinished());
        assertFalse(lookup.askedPeers().contains(avoided.peer()));
    }

    /** Whether the three peers share one bucket of this node's routing table (one common prefix length). */
    private boolean oneBucket(PeerRecord a, PeerRecord b, PeerRecord c) {
        DhtKey self = DhtKey.ofPeer(fixture.self.peerId());
        int bucket = self.commonPrefixLength(DhtKey.ofPeer(a.peer()));
        return self.commonPrefixLength(DhtKey.ofPeer(b.peer())) == bucket
                && self.commonPrefixLength(DhtKey.ofPeer(c.peer())) == bucket;
    }

    private void link(PeerRecord peer) {
        fixture.links.open(peer.peer());
        fixture.discovery.frameReceived(peer.peer(), Frame.newBuilder().setPeerRecord(peer.toProto()).build());
        dht.peerConnected(new PeerInfo(peer.peer(), peer.addresses().get(0).toString(), Direction.OUTBOUND,
                fixture.loop.nowMillis(), "t"));
    }

    /** Answers every FindNode {@code peer} was sent and has not answered yet. */
    private void answerOpen(PeerId peer, List<PeerRecord> records) {
        List<Frame> frames = fixture.links.sent().getOrDefault(peer, List.of());
        long answered = answeredTo.getOrDefault(peer, 0L);
        long seen = 0;
        for (Frame frame : List.copyOf(frames)) {
            if (frame.getDht().hasFindNode() && ++seen > answered) {
                Nodes.Builder nodes = Nodes.newBuilder();
                records.forEach(record -> nodes.addRecords(record.toProto()));
                dht.frameReceived(peer, Frame.newBuilder().setDht(DhtMessage.newBuilder()
                        .setRequestId(frame.getDht().getRequestId()).setNodes(nodes)).build());
            }
        }
        answeredTo.put(peer, seen);
    }

    private final java.util.Map<PeerId, Long> answeredTo = new java.util.HashMap<>();

    private long findNodesTo(PeerId peer) {
        return fixture.links.sent().getOrDefault(peer, List.of()).stream()
                .filter(frame -> frame.getDht().hasFindNode()).count();
    }
}
