package org.parley.overlay.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.link.HostPort;
import org.parley.overlay.record.PeerRecord;

/** What the DHT knows: who takes a place in the table, which record of a peer counts, what is left out. */
class DhtKnowledgeTest {
    private final DhtFixture node = new DhtFixture(DhtConfig.defaults());
    private final List<Contact> introduced = new ArrayList<>();

    DhtKnowledgeTest() {
        node.known.onNewContact(introduced::add);
    }

    @Test
    void aPeerWeHeardFromIsIntroducedOneAnAnswerNamedIsNot() {
        PeerRecord heard = node.newPeer("heard");
        PeerRecord named = node.newPeer("named");

        node.known.learn(heard);
        node.known.learnFromAnswer(named);

        assertEquals(2, node.known.contacts());
        assertEquals(List.of(heard.peer()), introduced.stream().map(Contact::peer).toList());
        assertEquals(named, node.known.contactRecord(DhtKey.ofPeer(named.peer())).orElseThrow());
    }

    @Test
    void identitiesLinkedFromOneBlockTakeAtMostThatBlocksPlacesWhateverBlocksTheirRecordsClaim() {
        DhtFixture unlinked = new DhtFixture(DhtConfig.defaults());
        for (int i = 0; i < 40; i++) {
            PeerRecord sybil = node.newPeer("sybil" + i);
            node.links.openFrom(sybil.peer(), new HostPort("198.51.100." + i, 40_000 + i),
                    sybil.addresses().get(0).toString());
            node.known.learn(sybil);
            unlinked.known.learn(sybil);
        }

        RoutingTableConfig limits = DhtConfig.defaults().table();
        assertTrue(node.known.contacts() <= limits.maxPerPrefixInTable(), node.known.contacts() + " contacts");
        DhtKey local = DhtKey.ofPeer(node.self.peerId());
        java.util.Map<Integer, Long> perBucket = node.known.closest(local, 1_000).stream().collect(
                java.util.stream.Collectors.groupingBy(contact -> local.commonPrefixLength(contact.key()),
                        java.util.stream.Collectors.counting()));
        assertTrue(perBucket.values().stream().allMatch(count -> count <= limits.maxPerPrefixPerBucket()),
                perBucket.toString());
        assertTrue(unlinked.known.contacts() > 3 * limits.maxPerPrefixInTable(),
                "unlinked, each counts in the block its record claims: " + unlinked.known.contacts());
    }

    @Test
    void aRecordNamedInAnAnswerDoesNotReplaceOneWeHeardOurselves() {
        Identity peer = Identity.generate("peer", DhtFixture.RANDOM);
        PeerRecord heard = node.record(peer, 1);
        node.known.learn(heard);

        node.known.learnFromAnswer(node.record(peer, 2));

        assertEquals(heard, node.known.contactRecord(DhtKey.ofPeer(peer.peerId())).orElseThrow());
    }

    @Test
    void theNewestRecordOfAPeerWinsWhereverItIsKept() {
        Identity peer = Identity.generate("peer", DhtFixture.RANDOM);
        node.known.learn(node.record(peer, 1));
        PeerRecord newer = node.record(peer, 2);
        node.known.keep(newer);

        assertEquals(newer, node.known.heldRecord(peer.peerId()).orElseThrow());
        assertEquals(1, node.known.storedRecords());
    }

    @Test
    void aDroppedContactLeavesTheTableWithItsRecord() {
        PeerRecord liar = node.newPeer("liar");
        node.known.learn(liar);

        node.known.drop(liar.peer());

        assertEquals(0, node.known.contacts());
        assertFalse(node.known.heldRecord(liar.peer()).isPresent());
    }

    @Test
    void ourOwnRecordAndRecordsWithoutAddressesTakeNoPlace() {
        node.known.learn(node.discovery.ownRecord());
        node.known.learnFromAnswer(node.discovery.ownRecord());

        assertEquals(0, node.known.contacts());
        assertTrue(introduced.isEmpty());
    }

    @Test
    void theClosestRecordsLeaveOutTheNamedPeerAndKeepTheCount() {
        List<PeerRecord> records = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            PeerRecord record = node.newPeer("p" + i);
            records.add(record);
            node.known.learn(record);
        }
        PeerRecord owner = records.get(0);

        List<PeerRecord> closest = node.known.closestRecords(DhtKey.ofPeer(owner.peer()), 3, owner.peer());

        assertEquals(3, closest.size());
        assertFalse(closest.contains(owner));
        DhtKey key = DhtKey.ofPeer(owner.peer());
        for (int i = 1; i < closest.size(); i++) {
            assertTrue(key.compareDistances(DhtKey.ofPeer(closest.get(i - 1).peer()),
                    DhtKey.ofPeer(closest.get(i).peer())) < 0, "closest first");
        }
    }
}
