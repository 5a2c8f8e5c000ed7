package org.parley.overlay.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.Misbehaviour;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.Nodes;

/** The lookup driver alone: queries out, links lost, dials bounded, answers taken in. */
class LookupDriverTest {
    private final DhtFixture node = new DhtFixture(DhtConfig.defaults());
    private final LookupDriver driver = new LookupDriver(node.links, node.loop, node.loop, node.config,
            node.discovery, node.known);
    private final DhtKey target = DhtKey.ofPeer(Identity.generate("target", DhtFixture.RANDOM).peerId());

    private LookupRun lookUp() {
        return driver.start(new IterativeLookup(target, node.self.peerId(),
                node.known.closest(target, node.config.lookup().k()), node.config.lookup()), Optional.empty());
    }

    private PeerRecord linkedContact(String name) {
        PeerRecord record = node.newPeer(name);
        node.links.open(record.peer());
        node.known.learn(record);
        return record;
    }

    private long findNodeTo(PeerId peer) {
        List<Frame> sent = node.links.takeSent(peer);
        assertEquals(1, sent.size(), "one FindNode to " + peer.shortForm());
        assertTrue(sent.get(0).getDht().hasFindNode());
        return sent.get(0).getDht().getRequestId();
    }

    @Test
    void aLinkLostFailsItsQueryAtOnceNotAtItsTimeout() {
        PeerRecord contact = linkedContact("contact");
        LookupRun run = lookUp();
        findNodeTo(contact.peer());

        driver.linkDown(contact.peer());
        node.loop.runUntilIdle();

        assertTrue(run.result.isDone(), "nobody else to ask: the lookup is over");
        assertEquals(1, node.known.contacts(), "a lost link keeps its place in the table");
    }

    @Test
    void aQueryOnALinkReplacedByADuplicateIsAskedAgainOnTheNewLink() {
        // Two close peers dial each other at once; the link layer keeps one of the two links and
        // reports the replaced one down and the new one up in the same turn. The peer drops what
        // came on the replaced link, so the question must go again, not count as the peer's failure.
        Identity wanted = Identity.generate("wanted", DhtFixture.RANDOM);
        PeerRecord wantedRecord = node.record(wanted, 1);
        PeerRecord holder = linkedContact("holder");
        LookupRun run = lookUpRecordOf(wanted.peerId());
        long request = findNodeTo(holder.peer());

        driver.linkDown(holder.peer());
        driver.linkUp(holder.peer());
        node.loop.runUntilIdle();

        assertFalse(run.result.isDone(), "the holder is still being asked");
        assertEquals(request, findNodeTo(holder.peer()), "the same question, again, on the new link");
        driver.receiveNodes(holder.peer(), request, Nodes.newBuilder().addRecords(wantedRecord.toProto()).build());
        node.loop.advance(node.config.lookupDeadline());
        assertEquals(wantedRecord, run.result.join().record().orElseThrow());
    }

    @Test
    void anAnswerFinishesTheLookupAndItsPeersTakeFreePlaces() {
        PeerRecord contact = linkedContact("contact");
        LookupRun run = lookUp();
        long request = findNodeTo(contact.peer());
        PeerRecord named = node.newPeer("named");

        driver.receiveNodes(contact.peer(), request, Nodes.newBuilder().addRecords(named.toProto()).build());

        assertTrue(node.known.contactRecord(DhtKey.ofPeer(named.peer())).isPresent());
        assertEquals(named, run.candidateRecord(named.peer()).orElseThrow());
        assertTrue(node.links.penalties().isEmpty(), node.links.penalties().toString());
    }

    @Test
    void aContactWithoutALinkIsDialedOnceAndAskedWhenTheLinkIsUp() {
        PeerRecord contact = node.newPeer("far");
        node.known.learn(contact);
        lookUp();

        assertEquals(1, node.links.dials().size());
        assertTrue(driver.isDialing(contact.peer()));
        node.links.open(contact.peer());
        driver.linkUp(contact.peer());

        findNodeTo(contact.peer());
        assertFalse(driver.isDialing(contact.peer()));
    }

    @Test
    void contactsBeyondTheDialLimitWaitForADialToBeDoneAndAreAskedThen() {
        // Failing them at once would fail every unlinked candidate of the lookup in turn: in a
        // crowd of nodes looking themselves up at once, the unlinked peers near the target, met
        // only through answers, were never asked.
        DhtFixture wide = new DhtFixture(DhtFixture.with(20, 20));
        LookupDriver driver = new LookupDriver(wide.links, wide.loop, wide.loop, wide.config, wide.discovery,
                wide.known);
        int contacts = wide.config.maxPendingDials() + 3;
        for (int i = 0; i < contacts; i++) {
            wide.known.learn(wide.newPeer("far" + i));
        }
        LookupRun run = driver.start(new IterativeLookup(target, wide.self.peerId(),
                wide.known.closest(target, 20), wide.config.lookup()), Optional.empty());
        assertEquals(wide.config.maxPendingDials(), wide.links.dials().size());

        PeerId first = wide.links.dials().get(0).expectedPeer().orElseThrow();
        wide.links.open(first);
        driver.linkUp(first);
        wide.loop.runUntilIdle();
        assertEquals(wide.config.maxPendingDials() + 1, wide.links.dials().size(), "the link is up: one more dial");

        // The other dials never come up; as they give up, the last waiting contacts are dialed.
        wide.loop.advance(wide.config.dialTimeout().plus(wide.config.queryTimeout()));
        assertEquals(contacts, wide.links.dials().size(), "every contact was dialed in the end");
        assertFalse(run.result.isDone(), "the last dialed may still answer");
    }

    @Test
    void lookupsRunningAtOnceAskEveryUnlinkedPeerTheyHearOfThoughTheyNeedMoreDialsThanTheLimit() {
        // A node back from being away, with few links, looks up its mail's places several at once
        // (decision 0070); the peers nearest each place are heard of in answers and need dials,
        // more than the limit at once. Failed at once, they were left out of the results, and
        // with them the replicas that held the mail (decision 0075).
        PeerRecord entry = linkedContact("entry");
        int lookups = 4;
        List<LookupRun> runs = new ArrayList<>();
        for (int i = 0; i < lookups; i++) {
            DhtKey place = DhtKey.ofPeer(Identity.generate("place" + i, DhtFixture.RANDOM).peerId());
            runs.add(driver.start(new IterativeLookup(place, node.self.peerId(),
                    node.known.closest(place, node.config.lookup().k()), node.config.lookup()), Optional.empty()));
        }
        List<Frame> asked = node.links.takeSent(entry.peer());
        assertEquals(lookups, asked.size(), "each lookup asks the one linked contact");
        List<Set<PeerId>> heard = new ArrayList<>();
        for (int i = 0; i < lookups; i++) {
            Nodes.Builder answer = Nodes.newBuilder();
            Set<PeerId> named = new HashSet<>();
            for (int j = 0; j < node.config.lookup().alpha(); j++) {
                PeerRecord near = node.newPeer("near" + i + "-" + j);
                answer.addRecords(near.toProto());
                named.add(near.peer());
            }
            heard.add(named);
            driver.receiveNodes(entry.peer(), asked.get(i).getDht().getRequestId(), answer.build());
        }
        assertTrue(lookups * node.config.lookup().alpha() > node.config.maxPendingDials());

        // The dialed peers come up one after the other and know nobody else.
        Set<PeerId> up = new HashSet<>();
        for (boolean dialed = true; dialed; ) {
            dialed = false;
            for (DialTarget dial : List.copyOf(node.links.dials())) {
                PeerId peer = dial.expectedPeer().orElseThrow();
                if (up.add(peer)) {
                    dialed = true;
                    node.links.open(peer);
                    driver.linkUp(peer);
                    for (Frame question : node.links.takeSent(peer)) {
                        driver.receiveNodes(peer, question.getDht().getRequestId(), Nodes.getDefaultInstance());
                    }
                    node.loop.runUntilIdle();
                }
            }
        }

        for (int i = 0; i < lookups; i++) {
            Set<PeerId> found = runs.get(i).lookup.result().stream().map(Contact::peer).collect(Collectors.toSet());
            assertTrue(found.containsAll(heard.get(i)), "lookup " + i + " found " + found.size() + " peers");
        }
    }

    @Test
    void stopEndsEveryRunningLookupWithWhatItFound() {
        linkedContact("contact");
        LookupRun run = lookUp();

        driver.stop();

        assertTrue(run.result.isDone());
        assertTrue(run.result.join().record().isEmpty());
    }

    @Test
    void anAnswerFromAPeerOtherThanTheOneAskedIsUnsolicited() {
        PeerRecord contact = linkedContact("contact");
        PeerRecord other = linkedContact("other");
        lookUp();
        long request = node.links.takeSent(contact.peer()).get(0).getDht().getRequestId();

        driver.receiveNodes(other.peer(), request, Nodes.getDefaultInstance());

        assertEquals(Misbehaviour.ANSWER_TO_NOTHING.penalty(), node.links.penalties().get(other.peer()));
    }

    /** A lookup for {@code wanted}'s record, asking on past the k closest while it has not turned up. */
    private LookupRun lookUpRecordOf(PeerId wanted) {
        DhtKey key = DhtKey.ofPeer(wanted);
        return driver.start(new IterativeLookup(key, node.self.peerId(), node.known.closest(key, node.config.lookup().k()),
                node.config.lookup(), true), Optional.of(wanted));
    }

    @Test
    void aReplayedOldRecordHeardFirstLosesToTheNewerOneHeardAfterIt() {
        Identity wanted = Identity.generate("wanted", DhtFixture.RANDOM);
        PeerRecord old = node.record(wanted, 1);
        PeerRecord current = node.record(wanted, 2);
        PeerRecord replayer = linkedContact("replayer");
        PeerRecord honest = linkedContact("honest");
        LookupRun run = lookUpRecordOf(wanted.peerId());
        long toReplayer = findNodeTo(replayer.peer());
        long toHonest = findNodeTo(honest.peer());

        driver.receiveNodes(replayer.peer(), toReplayer, Nodes.newBuilder().addRecords(old.toProto()).build());
        assertFalse(run.result.isDone(), "the first record heard may be a replay: the lookup asks on");
        driver.receiveNodes(honest.peer(), toHonest, Nodes.newBuilder().addRecords(current.toProto()).build());
        node.loop.advance(node.config.lookupDeadline());

        assertEquals(2, run.result.join().record().orElseThrow().sequence());
    }

    @Test
    void theTargetsOwnAnswerEndsTheLookupWithItsCurrentRecord() {
        Identity wanted = Identity.generate("wanted", DhtFixture.RANDOM);
        PeerRecord old = node.record(wanted, 1);
        PeerRecord current = node.record(wanted, 7);
        PeerRecord replayer = linkedContact("replayer");
        LookupRun run = lookUpRecordOf(wanted.peerId());

        driver.receiveNodes(replayer.peer(), findNodeTo(replayer.peer()),
                Nodes.newBuilder().addRecords(old.toProto()).build());
        assertTrue(driver.isDialing(wanted.peerId()), "the target, named by the record, is asked next");
        node.links.open(wanted.peerId());
        driver.linkUp(wanted.peerId());
        driver.receiveNodes(wanted.peerId(), findNodeTo(wanted.peerId()),
                Nodes.newBuilder().addRecords(current.toProto()).build());

        assertTrue(run.result.isDone(), "the target's own answer is the last word");
        assertEquals(current, run.result.join().record().orElseThrow());
        assertEquals(1, run.result.join().hops(), "hops count to the first record heard");
    }

    @Test
    void aLookupWhoseTargetStaysSilentEndsAfterAFewMoreAnswers() {
        Identity wanted = Identity.generate("wanted", DhtFixture.RANDOM);
        PeerRecord record = node.record(wanted, 3);
        List<PeerRecord> holders = new java.util.ArrayList<>();
        for (int i = 0; i <= node.config.lookup().alpha(); i++) {
            holders.add(linkedContact("holder" + i));
        }
        LookupRun run = lookUpRecordOf(wanted.peerId());
        for (PeerRecord holder : holders) {
            List<Frame> sent = node.links.takeSent(holder.peer());
            if (sent.isEmpty()) {
                // Asked once an earlier answer freed a place among the α in flight.
                continue;
            }
            driver.receiveNodes(holder.peer(), sent.get(0).getDht().getRequestId(),
                    Nodes.newBuilder().addRecords(record.toProto()).build());
        }
        for (PeerRecord holder : holders) {
            List<Frame> sent = node.links.takeSent(holder.peer());
            if (!sent.isEmpty() && !run.result.isDone()) {
                driver.receiveNodes(holder.peer(), sent.get(0).getDht().getRequestId(),
                        Nodes.newBuilder().addRecords(record.toProto()).build());
            }
        }

        assertTrue(run.result.isDone(), "α answers after the first confirm the record without the target");
        assertEquals(record, run.result.join().record().orElseThrow());
    }
}
