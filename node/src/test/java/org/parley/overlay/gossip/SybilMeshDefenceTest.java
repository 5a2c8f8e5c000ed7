package org.parley.overlay.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.overlay.gossip.RouterFixture.TOPIC;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.GossipFrame;
import org.parley.proto.wire.v1.GossipFrame.BodyCase;
import org.parley.proto.wire.v1.Graft;
import org.parley.proto.wire.v1.Prune;

/**
 * The gossip defences against Sybils that join meshes and drop: silent mesh peers are pruned,
 * pruned peers wait out the backoff before they graft again, and our own messages go to every
 * subscribed neighbour, not only the mesh.
 */
class SybilMeshDefenceTest {
    private final RouterFixture fixture = new RouterFixture();

    @Test
    void silentMeshPeersMakeRoomForOthersThatMayRelay() {
        fixture.router.subscribe(TOPIC);
        List<PeerId> mesh = fixture.connectGrafting(1, 8);
        PeerId relaying = mesh.get(0);
        List<PeerId> outside = fixture.connectSubscribers(9, 11);
        receiveEnough(outside.get(0), relaying);
        fixture.sent.clear();

        fixture.router.heartbeat();

        List<PeerId> now = fixture.router.meshPeers(TOPIC);
        assertTrue(now.contains(relaying), "the peer that relayed stays");
        assertTrue(now.containsAll(outside), "the three subscribers outside the mesh are grafted");
        assertEquals(8, now.size(), "at the high watermark");
        List<PeerId> pruned = fixture.takeSent(BodyCase.PRUNE);
        assertEquals(3, pruned.size(), "three silent peers made room");
        assertTrue(mesh.subList(1, 8).containsAll(pruned), "only silent ones");
    }

    @Test
    void aMeshOfSilentPeersAboveTheHighWatermarkLosesTheSilentOnesFirst() {
        fixture.router.subscribe(TOPIC);
        List<PeerId> relaying = fixture.connectGrafting(1, 4);
        List<PeerId> silent = fixture.connectGrafting(5, 10);
        PeerId source = fixture.connectSubscribers(11, 11).get(0);
        for (int m = 0; m < MeshUpkeep.SILENT_MESSAGES; m++) {
            fixture.receive(source, RouterFixture.frame(RouterFixture.publish("from afar " + m, 10)));
            for (PeerId peer : relaying) {
                fixture.receive(peer, RouterFixture.frame(RouterFixture.publish("from " + peer + ": " + m, 10)));
            }
        }
        fixture.sent.clear();

        fixture.router.heartbeat();

        assertEquals(Set.copyOf(relaying), Set.copyOf(fixture.router.meshPeers(TOPIC)), "down to D, all relaying");
        assertEquals(Set.copyOf(silent), Set.copyOf(fixture.takeSent(BodyCase.PRUNE)));
    }

    @Test
    void aQuietTopicTakesNobodyForSilent() {
        fixture.router.subscribe(TOPIC);
        fixture.connectGrafting(1, 8);
        PeerId source = fixture.connectSubscribers(9, 9).get(0);
        for (int m = 0; m < MeshUpkeep.SILENT_MESSAGES - 1; m++) {
            fixture.receive(source, RouterFixture.frame(RouterFixture.publish("message " + m, 10)));
        }
        fixture.sent.clear();

        fixture.router.heartbeat();

        assertTrue(fixture.takeSent(BodyCase.PRUNE).isEmpty(), "too few messages to tell a silent peer");
        assertTrue(fixture.takeSent(BodyCase.GRAFT).isEmpty());
    }

    @Test
    void aPeerThatPrunedUsCannotGraftBackDuringTheBackoff() {
        fixture.router.subscribe(TOPIC);
        PeerId peer = fixture.connectGrafting(1, 1).get(0);
        fixture.receive(peer, GossipFrame.newBuilder().setPrune(Prune.newBuilder().setTopic(TOPIC)).build());
        fixture.sent.clear();

        fixture.receive(peer, GossipFrame.newBuilder().setGraft(Graft.newBuilder().setTopic(TOPIC)).build());

        assertFalse(fixture.router.meshPeers(TOPIC).contains(peer), "grafting again at once is refused");
        assertEquals(List.of(peer), fixture.takeSent(BodyCase.PRUNE), "and answered with a prune");
        fixture.loop.advance(fixture.config.pruneBackoff().plusSeconds(1));
        fixture.receive(peer, GossipFrame.newBuilder().setGraft(Graft.newBuilder().setTopic(TOPIC)).build());
        assertTrue(fixture.router.meshPeers(TOPIC).contains(peer), "after the backoff it may");
    }

    @Test
    void meshPeersThatRelayedUntilAMomentAndThenStoppedTurnSilent() {
        fixture.router.subscribe(TOPIC);
        List<PeerId> mesh = fixture.connectGrafting(1, 2);
        for (int m = 0; m < 4; m++) {
            for (PeerId peer : mesh) {
                fixture.receive(peer, RouterFixture.frame(RouterFixture.publish("from " + peer + ": " + m, 10)));
            }
        }
        List<PeerId> outside = fixture.connectSubscribers(3, 6);
        for (int m = 0; m < MeshUpkeep.SILENT_MESSAGES; m++) {
            // The covert flash: the mesh peers send nothing more, and messages reach us through others.
            fixture.receive(outside.get(0), RouterFixture.frame(RouterFixture.publish("after the flash " + m, 10)));
        }
        fixture.sent.clear();

        fixture.router.heartbeat();

        List<PeerId> grafted = fixture.takeSent(BodyCase.GRAFT);
        assertFalse(grafted.isEmpty(), "a mesh of peers that stopped relaying is grafted onto");
        assertTrue(outside.containsAll(grafted));
        assertTrue(grafted.contains(outside.get(0)), "first of all the neighbour that brought the messages");
    }

    @Test
    void aRelayingMeshPeerIsNotPrunedForDuplicatesWhileSilentOnesHoldTheOtherPlaces() {
        fixture.router.subscribe(TOPIC);
        List<PeerId> mesh = fixture.connectGrafting(1, 4);
        PeerId source = fixture.connectSubscribers(5, 5).get(0);
        List<org.parley.proto.wire.v1.Publish> messages = new java.util.ArrayList<>();
        for (int m = 0; m < MeshUpkeep.SILENT_MESSAGES; m++) {
            messages.add(RouterFixture.publish("from afar " + m, 10));
            fixture.receive(source, RouterFixture.frame(messages.get(m)));
        }
        PeerId relaying = mesh.get(0);
        fixture.sent.clear();

        for (int m = 0; m < fixture.config.duplicatesBeforePrune() + 1; m++) {
            fixture.receive(relaying, RouterFixture.frame(messages.get(m)));
        }

        assertTrue(fixture.router.meshPeers(TOPIC).contains(relaying),
                "the one mesh peer that relays stays, redundant or not, while the other three are silent");
        assertFalse(fixture.takeSent(BodyCase.PRUNE).contains(relaying));
    }

    @Test
    void graftsGoFirstToNeighboursThatBroughtMessages() {
        fixture.router.subscribe(TOPIC);
        List<PeerId> subscribers = fixture.connectSubscribers(1, 40);
        PeerId bringing = subscribers.get(17);
        PeerId announcing = subscribers.get(31);
        fixture.receive(bringing, RouterFixture.frame(RouterFixture.publish("brought", 10)));
        fixture.receive(announcing, RouterFixture.iHave(RouterFixture.idOf(RouterFixture.publish("announced", 10))));
        // Announcing grafts the announcer at once (Plumtree's repair); the heartbeat grafts the rest.
        fixture.sent.clear();

        fixture.router.heartbeat();

        List<PeerId> now = fixture.router.meshPeers(TOPIC);
        assertTrue(now.contains(bringing), "the neighbour that brought a first copy is grafted, of 40: " + now);
        assertTrue(now.contains(announcing), "and the one that announced what we lacked");
    }

    @Test
    void aNeighbourIsCountedQuietOnlyForMessagesOfTopicsItShares() {
        fixture.router.subscribe(TOPIC);
        fixture.router.subscribe("group/b");
        List<PeerId> onTopic = fixture.connectSubscribers(1, 2);
        PeerId relaying = onTopic.get(0);
        PeerId quiet = onTopic.get(1);
        PeerId elsewhere = fixture.connect(3, 3).get(0);
        fixture.receive(elsewhere, GossipFrame.newBuilder()
                .setSubscribe(org.parley.proto.wire.v1.Subscribe.newBuilder().setTopic("group/b")).build());
        PeerId stranger = fixture.connect(4, 4).get(0);
        List<PeerId> told = new java.util.ArrayList<>();
        fixture.router.onRelay((peer, firstCopy) -> told.add(peer));

        for (int m = 0; m < 5; m++) {
            fixture.receive(relaying, RouterFixture.frame(RouterFixture.publish("busy " + m, 10)));
        }

        assertEquals(5, fixture.router.messagesSinceRelayed(quiet), "five messages it could have brought");
        assertEquals(0, fixture.router.messagesSinceRelayed(relaying));
        assertEquals(0, fixture.router.messagesSinceRelayed(elsewhere), "a busy topic it is not on counts nothing");
        assertEquals(0, fixture.router.messagesSinceRelayed(stranger));
        assertEquals(List.of(relaying, relaying, relaying, relaying, relaying), told, "the link layer hears who relays");
        fixture.receive(quiet, RouterFixture.iHave(RouterFixture.idOf(RouterFixture.publish("announced", 10))));
        assertEquals(0, fixture.router.messagesSinceRelayed(quiet), "announcing a message is relaying too");
    }

    /** Enough messages from {@code source} (outside the mesh) and {@code relaying} (in it) to tell silent peers. */
    private void receiveEnough(PeerId source, PeerId relaying) {
        for (int m = 0; m < MeshUpkeep.SILENT_MESSAGES; m++) {
            fixture.receive(source, RouterFixture.frame(RouterFixture.publish("from afar " + m, 10)));
            fixture.receive(relaying, RouterFixture.frame(RouterFixture.publish("from the mesh " + m, 10)));
        }
    }

    @Test
    void ourOwnMessageGoesToEverySubscribedNeighbourNotOnlyTheMesh() {
        List<PeerId> subscribers = fixture.connectSubscribers(1, 10);
        List<PeerId> others = fixture.connect(11, 12);
        fixture.router.subscribe(TOPIC);
        assertEquals(4, fixture.router.meshPeers(TOPIC).size());
        fixture.sent.clear();

        fixture.router.publish(TOPIC, "ours".getBytes(java.nio.charset.StandardCharsets.UTF_8));

        List<PeerId> sentTo = fixture.takeSent(BodyCase.PUBLISH);
        assertEquals(Set.copyOf(subscribers), Set.copyOf(sentTo), "all ten subscribers, once each");
        assertEquals(10, sentTo.size());
        assertTrue(others.stream().noneMatch(sentTo::contains), "not to neighbours outside the topic");
    }

    @Test
    void aRelayedMessageStillGoesToTheMeshAlone() {
        fixture.connectSubscribers(1, 10);
        fixture.router.subscribe(TOPIC);
        List<PeerId> mesh = fixture.router.meshPeers(TOPIC);
        PeerId from = mesh.get(0);
        fixture.sent.clear();

        fixture.receive(from, RouterFixture.frame(RouterFixture.publish("theirs", 10)));

        assertEquals(Set.copyOf(mesh.subList(1, mesh.size())), Set.copyOf(fixture.takeSent(BodyCase.PUBLISH)));
    }

    @Test
    void aNodeWhoseFirstCopiesStopAtTheirUsualPaceIsStarvedUntilOneComes() {
        fixture.router.subscribe(TOPIC);
        PeerId source = fixture.connectGrafting(1, 1).get(0);
        int[] told = {0};
        fixture.router.onStarved(() -> told[0]++);
        // Five a second, as in a busy topic; every neighbour then turns silent at once (a covert flash).
        for (int m = 0; m < FirstCopyPace.STARVED_AFTER_COPIES; m++) {
            fixture.receive(source, RouterFixture.frame(RouterFixture.publish("message " + m, 10)));
            fixture.loop.advance(java.time.Duration.ofMillis(200));
        }
        fixture.router.heartbeat();
        assertEquals(0, told[0], "not while first copies come");

        fixture.loop.advance(FirstCopyPace.STARVED_WAIT_MIN);
        fixture.router.heartbeat();
        fixture.router.heartbeat();
        assertEquals(2, told[0], "told each heartbeat once none came for five of their gaps (1 s at the least)");

        fixture.receive(source, RouterFixture.frame(RouterFixture.publish("again", 10)));
        fixture.router.heartbeat();
        assertEquals(2, told[0], "a first copy ends the spell");
    }

    @Test
    void aSlowTopicOrTooFewMessagesStarveNobody() {
        RouterFixture fresh = new RouterFixture();
        fresh.router.subscribe(TOPIC);
        fresh.receive(fresh.connectGrafting(1, 1).get(0), RouterFixture.frame(RouterFixture.publish("first", 10)));
        fresh.loop.advance(java.time.Duration.ofHours(1));
        assertFalse(fresh.router.starved(), "one message says nothing of the topic's pace");

        fixture.router.subscribe(TOPIC);
        PeerId source = fixture.connectGrafting(1, 1).get(0);
        // A message a minute (a long-lived group): two quiet minutes are not five of its gaps.
        for (int m = 0; m < FirstCopyPace.STARVED_AFTER_COPIES; m++) {
            fixture.receive(source, RouterFixture.frame(RouterFixture.publish("slow " + m, 10)));
            fixture.loop.advance(java.time.Duration.ofMinutes(1));
        }
        fixture.loop.advance(java.time.Duration.ofMinutes(1));
        assertFalse(fixture.router.starved());
        fixture.loop.advance(java.time.Duration.ofMinutes(10));
        assertTrue(fixture.router.starved(), "twelve are");
    }

    @Test
    void aNeighbourFoundToShareATopicIsToldOfItsRecentMessagesAtOnce() {
        fixture.router.subscribe(TOPIC);
        PeerId source = fixture.connectGrafting(1, 1).get(0);
        org.parley.proto.wire.v1.Publish recent = RouterFixture.publish("recent", 10);
        fixture.receive(source, RouterFixture.frame(recent));
        fixture.sent.clear();

        PeerId newcomer = fixture.connectSubscribers(2, 2).get(0);

        List<GossipFrame> told = fixture.sentTo(newcomer, BodyCase.IHAVE);
        assertEquals(1, told.size(), "announced on its subscription, not when a heartbeat happens to draw it");
        assertEquals(List.of(recent.getMessageId()), told.get(0).getIhave().getMessageIdsList());
        fixture.receive(newcomer, GossipFrame.newBuilder()
                .setSubscribe(org.parley.proto.wire.v1.Subscribe.newBuilder().setTopic(TOPIC)).build());
        assertEquals(1, fixture.sentTo(newcomer, BodyCase.IHAVE).size(), "once, not on every repeated subscription");
    }
}
