package org.parley.overlay.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.Frame;

/**
 * Ping before eviction: a newcomer that finds its bucket full has the bucket's least recently
 * seen contact checked, and takes its place only if it stays silent.
 */
class ContactPingerTest {
    private final DhtFixture node = new DhtFixture(DhtFixture.with(2, 1));
    private final ContactPinger pinger = new ContactPinger(node.links, node.loop, node.config, node.known);
    private final DhtKey selfKey = DhtKey.ofPeer(node.self.peerId());

    ContactPingerTest() {
        node.known.onPingWanted(contact -> pinger.ping(contact, node.loop.nowMillis()));
    }

    /** A linked peer in bucket 0 (its key differs from ours in the first bit), not yet learned. */
    private PeerRecord farPeer(String name) {
        while (true) {
            Identity identity = Identity.generate(name, DhtFixture.RANDOM);
            if (selfKey.commonPrefixLength(DhtKey.ofPeer(identity.peerId())) == 0) {
                PeerRecord record = node.record(identity, 1);
                node.links.open(record.peer());
                return record;
            }
        }
    }

    /** Bucket 0 filled with two contacts, the first of them the least recently seen; then quiet for a while. */
    private List<PeerRecord> fullBucketGoneQuiet() {
        PeerRecord oldest = farPeer("oldest");
        node.known.learn(oldest);
        node.loop.advance(java.time.Duration.ofSeconds(1));
        PeerRecord other = farPeer("other");
        node.known.learn(other);
        node.loop.advance(ContactPinger.QUESTIONABLE_AFTER);
        return List.of(oldest, other);
    }

    private long pingTo(PeerId peer) {
        List<Frame> sent = node.links.takeSent(peer);
        assertEquals(1, sent.size(), "one ping to " + peer.shortForm());
        assertEquals(DhtKey.ofPeer(peer), DhtKey.fromRaw(sent.get(0).getDht().getFindNode().getTarget().toByteArray()),
                "a ping asks for the pinged peer's own key");
        return sent.get(0).getDht().getRequestId();
    }

    @Test
    void aLiveOldContactKeepsItsPlaceAndTheNewcomerWaits() {
        PeerRecord oldest = fullBucketGoneQuiet().get(0);
        PeerRecord newcomer = farPeer("newcomer");

        node.known.learn(newcomer);
        assertTrue(pinger.answered(oldest.peer(), pingTo(oldest.peer())));
        node.loop.advance(node.config.queryTimeout().plus(node.config.dialTimeout()));

        assertTrue(node.known.isContact(oldest.peer()), "it answered: it stays");
        assertFalse(node.known.isContact(newcomer.peer()), "the newcomer waits as a replacement");
    }

    @Test
    void aSilentOldContactIsEvictedForTheNewcomer() {
        PeerRecord oldest = fullBucketGoneQuiet().get(0);
        PeerRecord newcomer = farPeer("newcomer");

        node.known.learn(newcomer);
        pingTo(oldest.peer());
        assertTrue(node.known.isContact(oldest.peer()), "not evicted before its time to answer is up");
        node.loop.advance(node.config.queryTimeout());

        assertFalse(node.known.isContact(oldest.peer()));
        assertTrue(node.known.isContact(newcomer.peer()));
    }

    @Test
    void aContactHeardFromLatelyIsNotPingedAndKeepsItsPlace() {
        PeerRecord oldest = farPeer("oldest");
        node.known.learn(oldest);
        node.known.learn(farPeer("other"));
        PeerRecord newcomer = farPeer("newcomer");

        node.known.learn(newcomer);
        node.loop.advance(node.config.queryTimeout().plus(node.config.dialTimeout()));

        assertTrue(node.links.takeSent(oldest.peer()).isEmpty(), "a good contact is not asked");
        assertTrue(node.known.isContact(oldest.peer()));
        assertFalse(node.known.isContact(newcomer.peer()));
    }

    @Test
    void aForgedPongFromAnotherPeerOrWithAnotherIdDoesNotSaveASilentContact() {
        List<PeerRecord> bucket = fullBucketGoneQuiet();
        PeerRecord oldest = bucket.get(0);
        PeerRecord newcomer = farPeer("newcomer");
        node.known.learn(newcomer);
        long id = pingTo(oldest.peer());

        assertFalse(pinger.answered(bucket.get(1).peer(), id), "another peer cannot answer for it");
        assertFalse(pinger.answered(oldest.peer(), id + 1), "nor can an answer to another question");
        node.loop.advance(node.config.queryTimeout());

        assertFalse(node.known.isContact(oldest.peer()));
        assertTrue(node.known.isContact(newcomer.peer()));
    }

    @Test
    void anUnlinkedContactIsDialedAndPingedWhenTheLinkIsUp() {
        PeerRecord oldest = fullBucketGoneQuiet().get(0);
        node.links.close(oldest.peer());
        node.known.learn(farPeer("newcomer"));

        assertEquals(oldest.peer(), node.links.dials().get(0).expectedPeer().orElseThrow());
        node.links.open(oldest.peer());
        pinger.linkUp(oldest.peer());
        assertTrue(pinger.answered(oldest.peer(), pingTo(oldest.peer())));

        assertTrue(node.known.isContact(oldest.peer()));
    }
}
