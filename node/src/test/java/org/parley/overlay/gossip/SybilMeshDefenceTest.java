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
}
