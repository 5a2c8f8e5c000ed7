package org.parley.overlay.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.FindNode;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.StoreRecord;

/** The server side alone: what it answers, and whose records it keeps. */
class DhtServerTest {
    private static final int K = 3;

    private final DhtFixture node = new DhtFixture(DhtFixture.with(K, 3));
    private final DhtServer server = new DhtServer(node.self.peerId(), node.links, node.loop, node.config,
            node.discovery, node.known);

    @Test
    void anAnswerHoldsTheKClosestRecordsClosestFirstOursAmongThem() {
        for (int i = 0; i < 12; i++) {
            node.known.learn(node.newPeer("p" + i));
        }
        DhtKey target = DhtKey.ofPeer(node.self.peerId());

        List<PeerRecord> answer = server.recordsClosestTo(target);

        assertEquals(K, answer.size());
        assertEquals(node.self.peerId(), answer.get(0).peer(), "we are closest to our own key");
        for (int i = 1; i < answer.size(); i++) {
            assertTrue(target.compareDistances(DhtKey.ofPeer(answer.get(i - 1).peer()),
                    DhtKey.ofPeer(answer.get(i).peer())) < 0);
        }
    }

    @Test
    void aFindNodeIsAnsweredToItsAskerUnderItsRequestId() {
        PeerRecord asker = node.newPeer("asker");
        node.links.open(asker.peer());
        server.answerFindNode(asker.peer(), 77, FindNode.newBuilder()
                .setTarget(ByteString.copyFrom(DhtKey.ofPeer(asker.peer()).toBytes())).build());

        List<Frame> sent = node.links.takeSent(asker.peer());
        assertEquals(1, sent.size());
        assertEquals(77, sent.get(0).getDht().getRequestId());
        assertTrue(sent.get(0).getDht().getNodes().getRecordsCount() >= 1);
    }

    @Test
    void aStoreIsKeptOnlyWhereWeAreAmongTheClosestToItsOwner() {
        Identity owner = Identity.generate("owner", DhtFixture.RANDOM);
        DhtKey ownerKey = DhtKey.ofPeer(owner.peerId());
        DhtKey selfKey = DhtKey.ofPeer(node.self.peerId());
        // K contacts closer to the owner's key than we are: somebody else's job.
        List<PeerRecord> closer = new ArrayList<>();
        while (closer.size() < K) {
            Identity candidate = Identity.generate("c", DhtFixture.RANDOM);
            if (ownerKey.compareDistances(DhtKey.ofPeer(candidate.peerId()), selfKey) < 0) {
                PeerRecord record = node.record(candidate, 1);
                closer.add(record);
                node.known.learn(record);
            }
        }

        server.receiveStore(owner.peerId(), StoreRecord.newBuilder()
                .setRecord(node.record(owner, 1).toProto()).build());

        assertEquals(0, node.known.storedRecords());
        assertTrue(node.links.penalties().isEmpty(), "an honest difference of views is not punished");
    }

    @Test
    void aStoreIsKeptWhileWeKnowFewerThanKPeersCloser() {
        PeerRecord owner = node.newPeer("owner");

        server.receiveStore(owner.peer(), StoreRecord.newBuilder().setRecord(owner.toProto()).build());

        assertEquals(1, node.known.storedRecords());
        assertEquals(owner, node.known.storedRecord(DhtKey.ofPeer(owner.peer())).orElseThrow());
    }

    @Test
    void aStoreOfSomebodyElsesRecordIsPenalizedAndNotKept() {
        PeerRecord mallory = node.newPeer("mallory");
        PeerRecord victim = node.newPeer("victim");

        server.receiveStore(mallory.peer(), StoreRecord.newBuilder().setRecord(victim.toProto()).build());

        assertEquals(DhtPenalties.NOT_OWN_RECORD, node.links.penalties().get(mallory.peer()));
        assertEquals(0, node.known.storedRecords());
    }
}
