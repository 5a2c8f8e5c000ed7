package org.parley.overlay.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.parley.identity.Identity;
import org.parley.link.FuzzedFrames;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.DhtMessage;
import org.parley.proto.wire.v1.FindNode;
import org.parley.proto.wire.v1.Frame;

/**
 * A stream of arbitrary DHT messages from one neighbour while a lookup runs through it: nothing
 * escapes, the lookup ends, and an honest neighbour's request is still answered with our record.
 */
class DhtFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void hostileDhtMessagesNeverBreakTheService(byte[] input) {
        DhtFixture node = new DhtFixture(DhtConfig.defaults());
        DhtService dht = new DhtService(node.self.peerId(), node.links, node.loop, node.loop, node.config,
                node.discovery);
        node.links.addLayer(node.discovery);
        node.links.addLayer(dht);
        dht.start(Duration.ofHours(1));
        Identity mallory = Identity.generate("mallory", DhtFixture.RANDOM);
        node.links.open(mallory.peerId());
        node.links.inject(mallory.peerId(), Frame.newBuilder().setPeerRecord(node.record(mallory, 1).toProto()).build());
        CompletableFuture<LookupResult> lookup = dht.lookup(Identity.generate("wanted", DhtFixture.RANDOM).peerId());

        for (DhtMessage message : FuzzedFrames.split(input, DhtMessage.parser())) {
            node.links.inject(mallory.peerId(), Frame.newBuilder().setDht(message).build());
            node.loop.advance(Duration.ofMillis(100));
        }
        node.loop.advance(Duration.ofMinutes(2));
        assertTrue(lookup.isDone(), "the lookup ends whatever the neighbour says");

        PeerRecord honest = node.newPeer("honest");
        node.links.open(honest.peer());
        node.links.takeSent(honest.peer());
        node.links.inject(honest.peer(), Frame.newBuilder().setDht(DhtMessage.newBuilder().setRequestId(9)
                .setFindNode(FindNode.newBuilder().setTarget(
                        ByteString.copyFrom(DhtKey.ofPeer(node.self.peerId()).toBytes())))).build());
        List<Frame> answers = node.links.takeSent(honest.peer()).stream().filter(Frame::hasDht).toList();
        assertEquals(1, answers.size(), "an honest request is answered");
        assertTrue(answers.get(0).getDht().getNodes().getRecordsList().stream()
                .anyMatch(record -> ByteString.copyFrom(node.self.peerId().publicKey()).equals(record.getPeer())),
                "and the answer holds our own record");
    }
}
