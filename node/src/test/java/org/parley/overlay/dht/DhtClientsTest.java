package org.parley.overlay.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.messaging.PrekeyBundles;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.FindNode;
import org.parley.proto.wire.v1.Frame;

/** Nodes nobody can dial take part in the DHT as clients only: asked and answered, never contacts. */
class DhtClientsTest {
    private final DhtFixture node = new DhtFixture(DhtFixture.with(20, 3));
    private final DhtServer server = new DhtServer(node.self.peerId(), node.links, node.loop, node.config,
            node.discovery, node.known);
    private final List<PeerId> probed = new ArrayList<>();
    private final Set<PeerId> dialable = new HashSet<>();

    @Test
    void aClientIsAnsweredButNotTakenIntoTheRoutingTable() {
        PeerRecord client = heard("client");
        ask(client, true);
        assertEquals(1, node.links.takeSent(client.peer()).size(), "answered");
        assertFalse(node.known.isContact(client.peer()));

        PeerRecord server = heard("server");
        ask(server, false);
        assertTrue(node.known.isContact(server.peer()), "an asker that is no client is learned, as before");
    }

    @Test
    void aRecordWithoutAnAddressNeverMakesAContact() {
        Identity hidden = Identity.generate("hidden", DhtFixture.RANDOM);
        PeerRecord relayedOnly = PeerRecord.create(hidden, List.of(), 1, node.loop.nowMillis(),
                Duration.ofHours(1).toMillis(), PrekeyBundles.throwaway(hidden, DhtFixture.RANDOM, node.loop.nowMillis()),
                List.of(), List.of(node.newPeer("relay").peer()));
        node.known.learn(relayedOnly);
        node.known.learnFromAnswer(relayedOnly);
        assertEquals(0, node.known.contacts());
    }

    @Test
    void aPeerClaimingAnAddressItCannotBeDialledAtNeverBecomesAContact() {
        checkContacts();
        PeerRecord liar = heard("liar");
        ask(liar, false);
        node.loop.runUntilIdle();
        assertEquals(1, node.links.takeSent(liar.peer()).size(), "it is still answered");
        assertFalse(node.known.isContact(liar.peer()), "nobody answered at the address it claims");
        assertEquals(List.of(liar.peer()), probed);

        ask(liar, false);
        node.known.learn(liar);
        node.known.learnFromAnswer(liar);
        node.loop.runUntilIdle();
        assertEquals(1, probed.size(), "a failed address is not probed again at once");
        node.loop.advance(ContactCheck.RETRY_AFTER);
        node.known.learn(liar);
        node.loop.runUntilIdle();
        assertEquals(2, probed.size(), "but again later");
        assertFalse(node.known.isContact(liar.peer()));
    }

    @Test
    void aPeerReachedAtItsAddressBecomesAContactAndIsNotProbedAgain() {
        checkContacts();
        PeerRecord honest = heard("honest");
        dialable.add(honest.peer());
        node.known.learn(honest);
        assertFalse(node.known.isContact(honest.peer()), "not before the probe answered");
        node.loop.runUntilIdle();
        assertTrue(node.known.isContact(honest.peer()));
        node.known.drop(honest.peer());
        node.known.learn(honest);
        assertTrue(node.known.isContact(honest.peer()), "reached before: taken in at once");
        assertEquals(1, probed.size());
    }

    @Test
    void probesAreBoundedAndTheRestWait() {
        checkContacts();
        List<PeerRecord> many = new ArrayList<>();
        for (int i = 0; i < ContactCheck.IN_FLIGHT + 5; i++) {
            PeerRecord record = node.newPeer("p" + i);
            dialable.add(record.peer());
            many.add(record);
        }
        // A probe that answers only when the loop runs: all are asked for before any answers.
        many.forEach(node.known::learn);
        assertEquals(ContactCheck.IN_FLIGHT, probed.size(), "no more than the bound at once");
        node.loop.runUntilIdle();
        assertEquals(many.size(), probed.size(), "the others were probed as answers came");
        assertEquals(many.size(), node.known.contacts(), "each became a contact once reached");
    }

    @Test
    void aNodeTakingPartAsAClientSaysSoInItsQuestions() {
        boolean[] unreachable = {true};
        node.known.takePartAsClientWhile(() -> unreachable[0]);
        LookupDriver driver = new LookupDriver(node.links, node.loop, node.loop, node.config, node.discovery, node.known);
        PeerRecord contact = node.newPeer("contact");
        node.known.learn(contact);
        node.links.open(contact.peer());
        DhtKey target = DhtKey.ofPeer(node.newPeer("target").peer());
        driver.start(new IterativeLookup(target, node.self.peerId(), node.known.closest(target, 20),
                node.config.lookup()), java.util.Optional.empty());
        Frame question = node.links.takeSent(contact.peer()).get(0);
        assertTrue(question.getDht().getFindNode().getClient());

        unreachable[0] = false;
        driver.start(new IterativeLookup(target, node.self.peerId(), node.known.closest(target, 20),
                node.config.lookup()), java.util.Optional.empty());
        assertFalse(node.links.takeSent(contact.peer()).get(0).getDht().getFindNode().getClient());
    }

    private void checkContacts() {
        node.known.checkContactsWith((expected, address, done) -> {
            probed.add(expected);
            node.loop.execute(() -> done.accept(dialable.contains(expected)));
        });
    }

    /** A linked peer whose record, with an address, discovery holds. */
    private PeerRecord heard(String name) {
        PeerRecord record = node.newPeer(name);
        node.links.open(record.peer());
        node.discovery.frameReceived(record.peer(), Frame.newBuilder().setPeerRecord(record.toProto()).build());
        node.links.takeSent(record.peer());
        return record;
    }

    private void ask(PeerRecord asker, boolean client) {
        server.answerFindNode(asker.peer(), 7, FindNode.newBuilder()
                .setTarget(ByteString.copyFrom(DhtKey.ofPeer(asker.peer()).toBytes())).setClient(client).build());
    }
}
