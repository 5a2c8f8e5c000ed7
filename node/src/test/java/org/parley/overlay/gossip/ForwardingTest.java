package org.parley.overlay.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.overlay.gossip.RouterFixture.TOPIC;
import static org.parley.overlay.gossip.RouterFixture.frame;
import static org.parley.overlay.gossip.RouterFixture.iHave;
import static org.parley.overlay.gossip.RouterFixture.iWant;
import static org.parley.overlay.gossip.RouterFixture.idOf;
import static org.parley.overlay.gossip.RouterFixture.publish;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.GossipFrame;
import org.parley.proto.wire.v1.GossipFrame.BodyCase;
import org.parley.proto.wire.v1.Publish;

/** Eager push, duplicate suppression, hop limits and IHAVE/IWANT, one router at a time. */
class ForwardingTest {
    private final RouterFixture fixture = new RouterFixture();

    @Test
    void aNewMessageIsDeliveredOnceAndPushedToTheRestOfTheMesh() {
        fixture.router.subscribe(TOPIC);
        List<PeerId> mesh = fixture.connectGrafting(1, 3);
        fixture.sent.clear();
        Publish message = publish("hello", 5);

        fixture.receive(mesh.get(0), frame(message));
        assertEquals(1, fixture.delivered.size());
        assertEquals(ByteString.copyFromUtf8("hello"), fixture.delivered.get(0).payload());
        assertEquals(List.of(mesh.get(1), mesh.get(2)), fixture.takeSent(BodyCase.PUBLISH), "never back to the sender");

        fixture.receive(mesh.get(1), frame(message));
        assertEquals(1, fixture.delivered.size(), "a duplicate is not delivered");
        assertTrue(fixture.takeSent(BodyCase.PUBLISH).isEmpty(), "nor relayed");
    }

    @Test
    void aMessageIsRelayedBeforeItIsHandedUpSoTheNextHopsNeverWaitForTheLayerAbove() {
        fixture.router.subscribe(TOPIC);
        List<PeerId> mesh = fixture.connectGrafting(1, 3);
        fixture.sent.clear();

        fixture.receive(mesh.get(0), frame(publish("hello", 5)));

        assertEquals(List.of(2), fixture.sentAtDelivery, "both other mesh peers had it when it was handed up");
    }

    @Test
    void aMeshPeerThatKeepsSendingDuplicatesIsPruned() {
        fixture.router.subscribe(TOPIC);
        List<PeerId> mesh = fixture.connectGrafting(1, 4);
        PeerId fast = mesh.get(0);
        PeerId redundant = mesh.get(1);
        for (int i = 0; i < fixture.config.duplicatesBeforePrune(); i++) {
            assertEquals(4, fixture.router.meshPeers(TOPIC).size(), "not yet: " + i + " duplicates");
            Publish message = publish("message " + i, 5);
            fixture.receive(fast, frame(message));
            fixture.receive(redundant, frame(message));
        }
        assertEquals(List.of(redundant), fixture.takeSent(BodyCase.PRUNE));
        assertFalse(fixture.router.meshPeers(TOPIC).contains(redundant));
        assertTrue(fixture.router.meshPeers(TOPIC).contains(fast));
        assertTrue(fixture.penalties.isEmpty(), "duplicates are how gossip works, not an offence");
    }

    @Test
    void aFirstCopyInBetweenForgivesEarlierDuplicates() {
        fixture.router.subscribe(TOPIC);
        List<PeerId> mesh = fixture.connectGrafting(1, 4);
        Publish first = publish("first", 5);
        Publish second = publish("second", 5);
        Publish third = publish("third", 5);
        fixture.receive(mesh.get(0), frame(first));
        fixture.receive(mesh.get(1), frame(first));
        fixture.receive(mesh.get(1), frame(second));
        fixture.receive(mesh.get(0), frame(third));
        fixture.receive(mesh.get(1), frame(third));

        assertTrue(fixture.takeSent(BodyCase.PRUNE).isEmpty());
        assertEquals(4, fixture.router.meshPeers(TOPIC).size());
    }

    @Test
    void duplicatePruningNeverTakesTheMeshBelowItsLowWatermark() {
        fixture.router.subscribe(TOPIC);
        List<PeerId> mesh = fixture.connectGrafting(1, fixture.config.meshLow());
        for (int i = 0; i < 10; i++) {
            Publish message = publish("message " + i, 5);
            fixture.receive(mesh.get(0), frame(message));
            fixture.receive(mesh.get(1), frame(message));
        }
        assertTrue(fixture.takeSent(BodyCase.PRUNE).isEmpty());
        assertEquals(mesh, fixture.router.meshPeers(TOPIC));
    }

    @Test
    void aDuplicateFromOutsideTheMeshIsAnsweredWithAPrune() {
        fixture.router.subscribe(TOPIC);
        PeerId meshPeer = fixture.connectGrafting(1, 1).get(0);
        PeerId outsider = fixture.connectSubscribers(2, 2).get(0);
        Publish message = publish("hello", 5);
        fixture.receive(meshPeer, frame(message));
        fixture.receive(outsider, frame(message));

        assertEquals(List.of(outsider), fixture.takeSent(BodyCase.PRUNE));
    }

    @Test
    void theHopLimitCountsDownAndStopsRelayingAtZero() {
        fixture.router.subscribe(TOPIC);
        List<PeerId> mesh = fixture.connectGrafting(1, 2);
        fixture.sent.clear();

        fixture.receive(mesh.get(0), frame(publish("far", 3)));
        assertEquals(2, fixture.sentTo(mesh.get(1), BodyCase.PUBLISH).get(0).getPublish().getHopsLeft());

        fixture.sent.clear();
        fixture.receive(mesh.get(0), frame(publish("end of the road", 0)));
        assertEquals(2, fixture.delivered.size(), "still delivered here");
        assertTrue(fixture.takeSent(BodyCase.PUBLISH).isEmpty(), "but relayed no further");
    }

    @Test
    void publishingPushesToTheMeshWithTheFullHopLimitAndNotToTheLocalSubscriber() {
        fixture.router.subscribe(TOPIC);
        List<PeerId> mesh = fixture.connectGrafting(1, 3);
        fixture.sent.clear();
        GossipId id = fixture.router.publish(TOPIC, "hi".getBytes(StandardCharsets.UTF_8));

        assertEquals(GossipId.of(TOPIC, ByteString.copyFromUtf8("hi")), id);
        assertEquals(mesh, fixture.takeSent(BodyCase.PUBLISH));
        assertTrue(fixture.delivered.isEmpty());

        fixture.receive(mesh.get(0), frame(publish("hi", fixture.config.maxHops() - 1)));
        assertTrue(fixture.delivered.isEmpty(), "our own message coming back is a duplicate");
        assertEquals(id, fixture.router.publish(TOPIC, "hi".getBytes(StandardCharsets.UTF_8)));
        assertTrue(fixture.takeSent(BodyCase.PUBLISH).isEmpty(), "the same bytes again are the same message");
    }

    @Test
    void publishingNeedsASubscriptionAndAPayloadWithinTheLimit() {
        assertThrows(IllegalStateException.class, () -> fixture.router.publish(TOPIC, new byte[1]));
        fixture.router.subscribe(TOPIC);
        assertThrows(IllegalArgumentException.class,
                () -> fixture.router.publish(TOPIC, new byte[fixture.config.maxPayloadBytes() + 1]));
    }

    @Test
    void messagesOnTopicsWeDoNotCarryAreNeitherDeliveredNorRelayed() {
        fixture.router.subscribe("other");
        List<PeerId> peers = fixture.connectSubscribers(1, 3);
        fixture.sent.clear();
        fixture.receive(peers.get(0), frame(publish("not ours", 5)));

        assertTrue(fixture.delivered.isEmpty());
        assertTrue(fixture.takeSent(BodyCase.PUBLISH).isEmpty());
    }

    @Test
    void anAnnouncedMissingMessageIsFetchedAndTheAnnouncerGrafted() {
        fixture.router.subscribe(TOPIC);
        PeerId announcer = fixture.connectSubscribers(1, 1).get(0);
        assertTrue(fixture.router.meshPeers(TOPIC).isEmpty());
        Publish known = publish("known", 5);
        Publish missing = publish("missing", 5);
        fixture.receive(announcer, frame(known));
        fixture.sent.clear();

        fixture.receive(announcer, iHave(idOf(known), idOf(missing)));
        List<GossipFrame> wants = fixture.sentTo(announcer, BodyCase.IWANT);
        assertEquals(1, wants.size());
        assertEquals(List.of(missing.getMessageId()), wants.get(0).getIwant().getMessageIdsList());
        assertEquals(List.of(announcer), fixture.takeSent(BodyCase.GRAFT));
        assertTrue(fixture.router.meshPeers(TOPIC).contains(announcer));

        fixture.receive(announcer, iHave(idOf(missing)));
        assertEquals(1, fixture.sentTo(announcer, BodyCase.IWANT).size(), "asked once while the answer may still come");
        fixture.receive(announcer, frame(missing));
        assertEquals(2, fixture.delivered.size());
    }

    @Test
    void anIWantIsAnsweredFromRecentMessages() {
        fixture.router.subscribe(TOPIC);
        List<PeerId> peers = fixture.connectSubscribers(1, 2);
        Publish message = publish("cached", 5);
        fixture.receive(peers.get(0), frame(message));
        fixture.sent.clear();

        fixture.receive(peers.get(1), iWant(idOf(message)));
        List<GossipFrame> answers = fixture.sentTo(peers.get(1), BodyCase.PUBLISH);
        assertEquals(1, answers.size());
        assertEquals(message.getPayload(), answers.get(0).getPublish().getPayload());
        assertEquals(4, answers.get(0).getPublish().getHopsLeft(), "as we would have relayed it");
    }

    @Test
    void theHeartbeatAnnouncesRecentMessagesToAFewSubscribersOutsideTheMesh() {
        fixture.router.subscribe(TOPIC);
        List<PeerId> mesh = fixture.connectGrafting(1, 2);
        List<PeerId> outside = fixture.connectSubscribers(3, 10);
        Publish message = publish("news", 5);
        fixture.receive(mesh.get(0), frame(message));
        fixture.sent.clear();

        fixture.router.heartbeat();
        List<PeerId> told = fixture.takeSent(BodyCase.IHAVE);
        assertEquals(fixture.config.lazyPeers(), told.size());
        assertTrue(outside.containsAll(told));
        assertEquals(fixture.config.lazyPeers(), Set.copyOf(told).size());

        for (int i = 1; i < fixture.config.gossipWindows(); i++) {
            fixture.router.heartbeat();
        }
        fixture.sent.clear();
        fixture.router.heartbeat();
        assertTrue(fixture.takeSent(BodyCase.IHAVE).isEmpty(), "announced for gossipWindows heartbeats only");
    }
}
