package org.parley.overlay.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.overlay.gossip.RouterFixture.TOPIC;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.GossipFrame;
import org.parley.proto.wire.v1.GossipFrame.BodyCase;
import org.parley.proto.wire.v1.Graft;
import org.parley.proto.wire.v1.Prune;
import org.parley.proto.wire.v1.Unsubscribe;

/** Mesh upkeep in situations built by hand: D = 4, low watermark 2, high watermark 8. */
class MeshMaintenanceTest {
    private final RouterFixture fixture = new RouterFixture();

    @Test
    void subscribingGraftsUpToDFromNeighboursKnownToShareTheTopic() {
        List<PeerId> subscribers = fixture.connectSubscribers(1, 10);
        fixture.connect(11, 12);
        fixture.router.subscribe(TOPIC);

        List<PeerId> mesh = fixture.router.meshPeers(TOPIC);
        assertEquals(4, mesh.size());
        assertTrue(subscribers.containsAll(mesh), "only subscribers are grafted");
        assertEquals(Set.copyOf(mesh), Set.copyOf(fixture.takeSent(BodyCase.GRAFT)));
        assertEquals(12, fixture.takeSent(BodyCase.SUBSCRIBE).size(), "every neighbour hears of the subscription");
    }

    @Test
    void heartbeatGraftsUpToDOnceSubscribersAppear() {
        fixture.router.subscribe(TOPIC);
        assertTrue(fixture.router.meshPeers(TOPIC).isEmpty());
        fixture.connectSubscribers(1, 10);
        fixture.router.heartbeat();

        assertEquals(4, fixture.router.meshPeers(TOPIC).size());
        assertEquals(Set.copyOf(fixture.router.meshPeers(TOPIC)), Set.copyOf(fixture.takeSent(BodyCase.GRAFT)));
    }

    @Test
    void aMeshBetweenTheWatermarksIsLeftAlone() {
        fixture.connectSubscribers(1, 10);
        fixture.router.subscribe(TOPIC);
        fixture.connectGrafting(11, 13);
        assertEquals(7, fixture.router.meshPeers(TOPIC).size());
        fixture.sent.clear();

        fixture.router.heartbeat();
        assertEquals(7, fixture.router.meshPeers(TOPIC).size());
        assertTrue(fixture.takeSent(BodyCase.GRAFT).isEmpty());
        assertTrue(fixture.takeSent(BodyCase.PRUNE).isEmpty());
    }

    @Test
    void aMeshAboveTheHighWatermarkIsPrunedDownToD() {
        fixture.router.subscribe(TOPIC);
        List<PeerId> grafting = fixture.connectGrafting(1, 12);
        assertEquals(12, fixture.router.meshPeers(TOPIC).size(), "grafts are accepted, trimmed at the heartbeat");

        fixture.router.heartbeat();
        List<PeerId> mesh = fixture.router.meshPeers(TOPIC);
        assertEquals(4, mesh.size());
        List<PeerId> pruned = fixture.takeSent(BodyCase.PRUNE);
        assertEquals(8, pruned.size());
        Set<PeerId> all = new HashSet<>(mesh);
        all.addAll(pruned);
        assertEquals(Set.copyOf(grafting), all, "each peer is either kept or told it was pruned");
    }

    @Test
    void peersNobodyCanDialArePrunedOnlyDownToTheHighWatermarkAndAfterTheDialableOnes() {
        fixture.router.subscribe(TOPIC);
        List<PeerId> dialable = fixture.connectGrafting(1, 3);
        List<PeerId> behindNats = fixture.connectGrafting(4, 13);
        fixture.router.spareUndialable(behindNats::contains);
        assertEquals(13, fixture.router.meshPeers(TOPIC).size());

        fixture.router.heartbeat();
        List<PeerId> mesh = fixture.router.meshPeers(TOPIC);
        assertEquals(8, mesh.size(), "peers behind NATs can mesh only with us and our like: kept up to 8");
        assertTrue(behindNats.containsAll(mesh), "the dialable peers, who can mesh with anyone, went first");
        List<PeerId> pruned = fixture.takeSent(BodyCase.PRUNE);
        assertEquals(5, pruned.size());
        assertTrue(pruned.containsAll(dialable));
    }

    /**
     * Issue 15: at 80% behind NATs a dialable node has about 32 neighbours nobody can dial, each
     * grafting up to D of its 8 links: a fixed 8 places left some of them with no mesh at all.
     */
    @Test
    void peersNobodyCanDialKeepMeshPlacesUpToHalfOfThemWhenThatIsMoreThanTheHighWatermark() {
        fixture.router.subscribe(TOPIC);
        List<PeerId> dialable = fixture.connectGrafting(1, 3);
        List<PeerId> behindNats = fixture.connectGrafting(4, 33);
        fixture.router.spareUndialable(behindNats::contains);

        fixture.router.heartbeat();
        List<PeerId> mesh = fixture.router.meshPeers(TOPIC);
        assertEquals(15, mesh.size(), "half of the 30 behind NATs");
        assertTrue(behindNats.containsAll(mesh), "the dialable peers went first");
        assertEquals(18, fixture.takeSent(BodyCase.PRUNE).size());
        assertTrue(fixture.router.meshPeers(TOPIC).containsAll(mesh));

        for (int i = 0; i < fixture.config.duplicatesBeforePrune() + 2; i++) {
            GossipFrame message = RouterFixture.frame(RouterFixture.publish("message " + i, 5));
            fixture.receive(mesh.get(0), message);
            fixture.receive(mesh.get(1), message);
        }
        assertEquals(15, fixture.router.meshPeers(TOPIC).size(), "not pruned for duplicates at the ceiling either");
    }

    @Test
    void aPeerNobodyCanDialIsNotPrunedForDuplicatesBelowTheHighWatermark() {
        fixture.router.subscribe(TOPIC);
        List<PeerId> mesh = fixture.connectGrafting(1, 4);
        PeerId fast = mesh.get(0);
        PeerId behindNat = mesh.get(1);
        fixture.router.spareUndialable(behindNat::equals);
        for (int i = 0; i < fixture.config.duplicatesBeforePrune() + 2; i++) {
            GossipFrame message = RouterFixture.frame(RouterFixture.publish("message " + i, 5));
            fixture.receive(fast, message);
            fixture.receive(behindNat, message);
        }
        assertTrue(fixture.router.meshPeers(TOPIC).contains(behindNat), "its mesh places are few: kept");
        assertTrue(fixture.takeSent(BodyCase.PRUNE).isEmpty());
    }

    @Test
    void theMeshIsRepairedAfterPeersLeave() {
        fixture.connectSubscribers(1, 10);
        fixture.router.subscribe(TOPIC);
        List<PeerId> mesh = fixture.router.meshPeers(TOPIC);
        fixture.router.peerDisconnected(mesh.get(0));
        fixture.router.peerDisconnected(mesh.get(1));
        fixture.receive(mesh.get(2), GossipFrame.newBuilder()
                .setUnsubscribe(Unsubscribe.newBuilder().setTopic(TOPIC)).build());
        assertEquals(List.of(mesh.get(3)), fixture.router.meshPeers(TOPIC));
        fixture.sent.clear();

        fixture.router.heartbeat();
        List<PeerId> repaired = fixture.router.meshPeers(TOPIC);
        assertEquals(4, repaired.size());
        assertFalse(repaired.contains(mesh.get(0)));
        assertFalse(repaired.contains(mesh.get(1)));
        assertFalse(repaired.contains(mesh.get(2)), "a peer that unsubscribed is not grafted again");
        assertEquals(3, fixture.takeSent(BodyCase.GRAFT).size());
    }

    @Test
    void aPeerThatPrunedUsIsNotGraftedAgainUntilItsBackoffEnds() {
        List<PeerId> peers = fixture.connectSubscribers(1, 1);
        fixture.router.subscribe(TOPIC);
        PeerId peer = peers.get(0);
        assertEquals(List.of(peer), fixture.router.meshPeers(TOPIC));

        fixture.receive(peer, GossipFrame.newBuilder().setPrune(Prune.newBuilder().setTopic(TOPIC)).build());
        assertTrue(fixture.router.meshPeers(TOPIC).isEmpty());
        fixture.loop.advance(fixture.config.pruneBackoff().minusSeconds(1));
        fixture.router.heartbeat();
        assertTrue(fixture.router.meshPeers(TOPIC).isEmpty());

        fixture.loop.advance(Duration.ofSeconds(1));
        fixture.router.heartbeat();
        assertEquals(List.of(peer), fixture.router.meshPeers(TOPIC));
    }

    @Test
    void aGraftForATopicWeDoNotCarryIsAnsweredWithAPrune() {
        PeerId peer = fixture.connect(1, 1).get(0);
        fixture.receive(peer, GossipFrame.newBuilder().setGraft(Graft.newBuilder().setTopic("other")).build());

        List<GossipFrame> prunes = fixture.sentTo(peer, BodyCase.PRUNE);
        assertEquals(1, prunes.size());
        assertEquals("other", prunes.get(0).getPrune().getTopic());
        assertTrue(fixture.penalties.isEmpty(), "a graft can cross our unsubscribe; that is no offence");
    }

    @Test
    void theHeartbeatRunsOnTheSchedulerOnceStarted() {
        fixture.router.subscribe(TOPIC);
        fixture.connectSubscribers(1, 6);
        fixture.router.start();
        fixture.loop.advance(fixture.config.heartbeat());
        assertEquals(4, fixture.router.meshPeers(TOPIC).size());

        fixture.router.stop();
        fixture.router.peerDisconnected(fixture.router.meshPeers(TOPIC).get(0));
        fixture.router.peerDisconnected(fixture.router.meshPeers(TOPIC).get(0));
        fixture.router.peerDisconnected(fixture.router.meshPeers(TOPIC).get(0));
        fixture.loop.advance(fixture.config.heartbeat().multipliedBy(3));
        assertEquals(1, fixture.router.meshPeers(TOPIC).size(), "no heartbeat after stop");
    }
}
