package org.parley.overlay.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.Frame;
import org.parley.runtime.SeededRng;

/** Bucket refresh on the virtual clock: buckets no lookup passed through get one of their own. */
class BucketRefresherTest {
    private static final Duration INTERVAL = Duration.ofMinutes(15);

    private final DhtFixture node = new DhtFixture(DhtConfig.defaults().withBucketRefreshInterval(INTERVAL));
    private final LookupDriver driver = new LookupDriver(node.links, node.loop, node.loop, node.config,
            node.discovery, node.known);
    private final BucketRefresher refresher = new BucketRefresher(node.self.peerId(), node.loop, node.loop,
            new SeededRng(7), node.config, node.known, driver);
    private final DhtKey selfKey = DhtKey.ofPeer(node.self.peerId());

    BucketRefresherTest() {
        driver.onLookupStarted(refresher::lookedUp);
    }

    /** A linked contact in bucket {@code bucket}. */
    private PeerRecord contactIn(int bucket) {
        while (true) {
            Identity identity = Identity.generate("peer", DhtFixture.RANDOM);
            if (selfKey.commonPrefixLength(DhtKey.ofPeer(identity.peerId())) == bucket) {
                PeerRecord record = node.record(identity, 1);
                node.links.open(record.peer());
                node.known.learn(record);
                return record;
            }
        }
    }

    /** The buckets of the FindNode targets sent since the last call. */
    private Set<Integer> bucketsAsked(List<PeerRecord> contacts) {
        Set<Integer> buckets = new HashSet<>();
        for (PeerRecord contact : contacts) {
            for (Frame frame : node.links.takeSent(contact.peer())) {
                DhtKey target = DhtKey.fromRaw(frame.getDht().getFindNode().getTarget().toByteArray());
                buckets.add(selfKey.commonPrefixLength(target));
            }
        }
        return buckets;
    }

    @Test
    void aRandomKeyOfABucketSharesExactlyItsPrefixWithOurs() {
        for (int bucket : new int[] {0, 1, 7, 100, 254}) {
            for (int i = 0; i < 20; i++) {
                assertEquals(bucket, selfKey.commonPrefixLength(refresher.randomKeyIn(bucket)));
            }
        }
    }

    @Test
    void bucketsNoLookupPassedThroughAreRefreshedAfterTheInterval() {
        List<PeerRecord> contacts = List.of(contactIn(0), contactIn(1), contactIn(2));
        refresher.start();

        node.loop.advance(INTERVAL.minusMinutes(4));
        assertEquals(Set.of(), bucketsAsked(contacts), "nothing is stale yet");
        node.loop.advance(Duration.ofMinutes(5));

        // Buckets 0 to 2 hold contacts; bucket 3, the next one down, is where closer peers would be.
        assertEquals(Set.of(0, 1, 2, 3), bucketsAsked(contacts));
    }

    @Test
    void aBucketALookupPassedThroughLatelyIsLeftAlone() {
        List<PeerRecord> contacts = List.of(contactIn(0), contactIn(1));
        refresher.start();
        node.loop.advance(INTERVAL.minusMinutes(5));
        PeerId inBucketOne = contactIn(1).peer();
        driver.start(new IterativeLookup(DhtKey.ofPeer(inBucketOne), node.self.peerId(),
                node.known.closest(DhtKey.ofPeer(inBucketOne), 20), node.config.lookup()), java.util.Optional.empty());
        // Everyone answers (with nobody new), so that all stay contacts.
        List<PeerId> asked = new java.util.ArrayList<>(contacts.stream().map(PeerRecord::peer).toList());
        asked.add(inBucketOne);
        for (PeerId peer : asked) {
            for (Frame frame : node.links.takeSent(peer)) {
                driver.receiveNodes(peer, frame.getDht().getRequestId(),
                        org.parley.proto.wire.v1.Nodes.getDefaultInstance());
            }
        }

        node.loop.advance(Duration.ofMinutes(6));

        Set<Integer> refreshed = bucketsAsked(contacts);
        assertTrue(refreshed.contains(0), "bucket 0 went unvisited: " + refreshed);
        assertTrue(!refreshed.contains(1), "bucket 1 was looked up five minutes ago: " + refreshed);
    }
}
