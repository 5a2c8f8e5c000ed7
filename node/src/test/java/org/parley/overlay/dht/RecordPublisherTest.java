package org.parley.overlay.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.identity.PeerId;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.Nodes;

/** Publication of our own record alone: when it goes out, to whom, and how it is retried. */
class RecordPublisherTest {
    private static final Duration FIRST = Duration.ofSeconds(10);

    private final DhtFixture node = new DhtFixture(DhtConfig.defaults());
    private final LookupDriver lookups = new LookupDriver(node.links, node.loop, node.loop, node.config,
            node.discovery, node.known);
    private final RecordPublisher publisher = new RecordPublisher(node.self.peerId(), node.links, node.loop,
            node.config, node.discovery, node.known, lookups);

    RecordPublisherTest() {
        node.known.onNewContact(publisher::introduce);
    }

    private long storesTo(PeerId peer) {
        return node.links.sent().getOrDefault(peer, List.of()).stream()
                .filter(frame -> frame.getDht().hasStoreRecord() && frame.getDht().getStoreRecord().getRecord()
                        .getPeer().equals(ByteString.copyFrom(node.self.peerId().publicKey())))
                .count();
    }

    /** Answers every FindNode sent to {@code peer} so far with no records. */
    private void answerEmpty(PeerId peer) {
        for (Frame frame : List.copyOf(node.links.sent().getOrDefault(peer, List.of()))) {
            if (frame.getDht().hasFindNode()) {
                lookups.receiveNodes(peer, frame.getDht().getRequestId(), Nodes.getDefaultInstance());
            }
        }
    }

    @Test
    void aPublicationThatFoundNobodyIsTriedAgainAfterTheRetryDelay() {
        publisher.start(FIRST);
        node.loop.advance(FIRST);
        PeerRecord neighbour = node.newPeer("neighbour");
        node.links.open(neighbour.peer());
        node.known.learn(neighbour);
        assertEquals(1, storesTo(neighbour.peer()), "a close peer learned after the first publication gets it");

        node.links.sent().clear();
        node.loop.advance(node.config.publishRetry());
        answerEmpty(neighbour.peer());
        assertEquals(1, storesTo(neighbour.peer()), "the retry found the neighbour and published to it");
    }

    @Test
    void republicationsComeLessOftenUpToTheInterval() {
        PeerRecord neighbour = node.newPeer("neighbour");
        node.links.open(neighbour.peer());
        node.known.learn(neighbour);
        publisher.start(FIRST);

        long[] gaps = new long[3];
        for (int i = 0; i < gaps.length; i++) {
            long before = node.loop.nowMillis();
            while (storesTo(neighbour.peer()) == 0) {
                node.loop.advance(Duration.ofSeconds(1));
                answerEmpty(neighbour.peer());
            }
            gaps[i] = node.loop.nowMillis() - before;
            node.links.sent().clear();
        }
        assertEquals(FIRST.toMillis(), gaps[0]);
        assertEquals(FIRST.toMillis(), gaps[1], "the first republication waits the first delay");
        assertEquals(2 * FIRST.toMillis(), gaps[2], "then twice that");
    }

    @Test
    void aRenewedRecordIsPublishedAtOnce() {
        PeerRecord neighbour = node.newPeer("neighbour");
        node.links.open(neighbour.peer());
        node.known.learn(neighbour);
        publisher.start(Duration.ofHours(1));

        publisher.publishNow();
        answerEmpty(neighbour.peer());

        assertEquals(1, storesTo(neighbour.peer()));
    }

    @Test
    void aRecordForAPeerWhoseLinkWasTrimmedWaitsForTheNextLink() {
        PeerRecord far = node.newPeer("far");
        node.known.learn(far);
        publisher.start(FIRST);
        node.loop.advance(FIRST);
        node.links.open(far.peer());
        lookups.linkUp(far.peer());
        long request = node.links.takeSent(far.peer()).get(0).getDht().getRequestId();
        node.links.close(far.peer());

        lookups.receiveNodes(far.peer(), request, Nodes.getDefaultInstance());
        assertEquals(2, node.links.dials().size(), "dialed once to ask, once to store");
        node.links.open(far.peer());
        publisher.linkUp(far.peer());

        assertEquals(1, storesTo(far.peer()));
    }
}
