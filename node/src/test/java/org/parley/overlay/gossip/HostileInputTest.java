package org.parley.overlay.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.overlay.gossip.RouterFixture.TOPIC;
import static org.parley.overlay.gossip.RouterFixture.frame;
import static org.parley.overlay.gossip.RouterFixture.iHave;
import static org.parley.overlay.gossip.RouterFixture.iWant;
import static org.parley.overlay.gossip.RouterFixture.idOf;
import static org.parley.overlay.gossip.RouterFixture.publish;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.proto.wire.v1.GossipFrame;
import org.parley.proto.wire.v1.GossipFrame.BodyCase;
import org.parley.proto.wire.v1.IHave;
import org.parley.proto.wire.v1.IWant;
import org.parley.proto.wire.v1.Publish;
import org.parley.proto.wire.v1.Subscribe;

/** Neighbours that lie, flood, replay or ask for what was never offered. */
class HostileInputTest {
    private final RouterFixture fixture = new RouterFixture();

    @Test
    void malformedFramesArePenalizedAndChangeNothing() {
        fixture.router.subscribe(TOPIC);
        List<PeerId> mesh = fixture.connectGrafting(1, 2);
        PeerId hostile = mesh.get(0);
        fixture.sent.clear();
        Publish good = publish("hello", 5);
        ByteString wrongSize = ByteString.copyFrom(new byte[GossipId.SIZE - 1]);
        List<GossipFrame> malformed = List.of(
                GossipFrame.getDefaultInstance(),
                frame(good.toBuilder().setMessageId(wrongSize).build()),
                frame(good.toBuilder().setPayload(ByteString.copyFromUtf8("forged")).build()),
                frame(good.toBuilder().setTopic("").build()),
                frame(good.toBuilder().setTopic("x".repeat(fixture.config.maxTopicLength() + 1)).build()),
                frame(good.toBuilder().setHopsLeft(fixture.config.maxHops() + 1).build()),
                GossipFrame.newBuilder().setIhave(IHave.newBuilder().setTopic(TOPIC)).build(),
                GossipFrame.newBuilder().setIhave(IHave.newBuilder().setTopic(TOPIC).addMessageIds(wrongSize)).build(),
                GossipFrame.newBuilder().setIwant(IWant.newBuilder().addMessageIds(wrongSize)).build(),
                GossipFrame.newBuilder().setSubscribe(Subscribe.newBuilder()).build());

        for (GossipFrame frame : malformed) {
            fixture.receive(hostile, frame);
        }
        assertEquals(malformed.size(), fixture.penalties.size());
        assertEquals(malformed.size() * Misbehaviour.PROTOCOL_VIOLATION.penalty(), fixture.pointsFor(hostile));
        assertTrue(fixture.delivered.isEmpty());
        assertTrue(fixture.sent.isEmpty(), "nothing relayed, asked for or answered");
    }

    @Test
    void anOversizedMessageIsPenalizedAndNeitherDeliveredNorRelayed() {
        fixture.router.subscribe(TOPIC);
        List<PeerId> mesh = fixture.connectGrafting(1, 2);
        fixture.sent.clear();
        ByteString huge = ByteString.copyFrom(new byte[fixture.config.maxPayloadBytes() + 1]);
        Publish oversized = Publish.newBuilder()
                .setMessageId(GossipId.of(TOPIC, huge).bytes())
                .setTopic(TOPIC)
                .setPayload(huge)
                .setHopsLeft(5)
                .build();

        fixture.receive(mesh.get(0), frame(oversized));
        assertEquals(Misbehaviour.PROTOCOL_VIOLATION.penalty(), fixture.pointsFor(mesh.get(0)));
        assertTrue(fixture.delivered.isEmpty());
        assertTrue(fixture.sent.isEmpty());
    }

    @Test
    void aFloodingPeerIsPenalizedForEveryFrameAboveItsRate() {
        RouterFixture limited = new RouterFixture(GossipConfig.defaults().withInboundRate(10, 20));
        limited.router.subscribe(TOPIC);
        PeerId flooder = limited.connectGrafting(1, 1).get(0);
        PeerId honest = limited.connectGrafting(2, 2).get(0);
        for (int i = 0; i < 100; i++) {
            limited.receive(flooder, frame(publish("flood " + i, 5)));
        }
        assertEquals(19, limited.delivered.size(), "the burst, less the graft that opened it");
        assertEquals(81 * Misbehaviour.FLOOD.penalty(), limited.pointsFor(flooder));

        limited.receive(honest, frame(publish("from someone else", 5)));
        assertEquals(20, limited.delivered.size(), "one peer's flood does not use up another's rate");
        assertEquals(0, limited.pointsFor(honest));

        limited.loop.advance(Duration.ofSeconds(1));
        limited.receive(flooder, frame(publish("later", 5)));
        assertEquals(21, limited.delivered.size(), "the bucket refills");
    }

    @Test
    void aReplayedMessageIsNeverDeliveredTwice() {
        fixture.router.subscribe(TOPIC);
        List<PeerId> mesh = fixture.connectGrafting(1, 3);
        Publish message = publish("once", 5);
        fixture.receive(mesh.get(0), frame(message));
        fixture.loop.advance(Duration.ofSeconds(30));
        fixture.receive(mesh.get(0), frame(message));
        fixture.receive(mesh.get(1), frame(message.toBuilder().setHopsLeft(1).build()));
        fixture.receive(mesh.get(2), iHave(idOf(message)));

        assertEquals(1, fixture.delivered.size());
        assertTrue(fixture.sentTo(mesh.get(2), BodyCase.IWANT).isEmpty(), "a seen message is not fetched again");
    }

    @Test
    void iWantsForMessagesWeDoNotHaveArePenalizedBeyondABudget() {
        fixture.router.subscribe(TOPIC);
        PeerId greedy = fixture.connectSubscribers(1, 1).get(0);
        GossipId[] unknown = new GossipId[fixture.config.unknownIWantBudget()];
        for (int i = 0; i < unknown.length; i++) {
            unknown[i] = idOf(publish("never seen " + i, 5));
        }
        fixture.receive(greedy, iWant(unknown));
        assertTrue(fixture.penalties.isEmpty(), "within budget: an honest peer may ask for something we dropped");

        fixture.receive(greedy, iWant(idOf(publish("one too many", 5))));
        assertEquals(Misbehaviour.UNKNOWN_IWANT.penalty(), fixture.pointsFor(greedy));

        fixture.router.heartbeat();
        fixture.penalties.clear();
        fixture.receive(greedy, iWant(idOf(publish("next heartbeat", 5))));
        assertTrue(fixture.penalties.isEmpty(), "the budget renews every heartbeat");
        assertTrue(fixture.sentTo(greedy, BodyCase.PUBLISH).isEmpty());
    }

    @Test
    void iWantAnswersAreCappedPerHeartbeat() {
        fixture.router.subscribe(TOPIC);
        PeerId source = fixture.connectGrafting(1, 1).get(0);
        PeerId asker = fixture.connectSubscribers(2, 2).get(0);
        int half = fixture.config.servedPerHeartbeat() / 2 + 10;
        GossipId[] first = new GossipId[half];
        GossipId[] second = new GossipId[half];
        for (int i = 0; i < half; i++) {
            first[i] = received(source, "first " + i);
            second[i] = received(source, "second " + i);
        }
        fixture.receive(asker, iWant(first));
        fixture.receive(asker, iWant(second));
        assertEquals(fixture.config.servedPerHeartbeat(), fixture.sentTo(asker, BodyCase.PUBLISH).size(),
                "a few small requests cannot make us send without limit");

        fixture.router.heartbeat();
        fixture.receive(asker, iWant(second[half - 1]));
        assertEquals(fixture.config.servedPerHeartbeat() + 1, fixture.sentTo(asker, BodyCase.PUBLISH).size());
    }

    private GossipId received(PeerId from, String payload) {
        Publish message = publish(payload, 5);
        fixture.receive(from, frame(message));
        return idOf(message);
    }

    @Test
    void anIHaveWhoseMessageNeverComesIsABrokenPromise() {
        fixture.router.subscribe(TOPIC);
        List<PeerId> peers = fixture.connectSubscribers(1, 2);
        PeerId liar = peers.get(0);
        PeerId honest = peers.get(1);
        Publish promised = publish("promised", 5);
        Publish kept = publish("kept", 5);
        fixture.receive(liar, iHave(idOf(promised)));
        fixture.receive(honest, iHave(idOf(kept)));
        fixture.receive(honest, frame(kept));

        fixture.loop.advance(fixture.config.promiseTimeout());
        fixture.router.heartbeat();
        assertEquals(Misbehaviour.BROKEN_PROMISE.penalty(), fixture.pointsFor(liar));
        assertEquals(0, fixture.pointsFor(honest));

        fixture.receive(honest, iHave(idOf(promised)));
        assertEquals(2, fixture.sentTo(honest, BodyCase.IWANT).size(), "the broken promise is asked of someone else");
    }

    @Test
    void aPeerClaimingTooManyTopicsIsPenalized() {
        PeerId peer = fixture.connect(1, 1).get(0);
        for (int i = 0; i <= fixture.config.maxTopicsPerPeer(); i++) {
            fixture.receive(peer, GossipFrame.newBuilder()
                    .setSubscribe(Subscribe.newBuilder().setTopic("topic " + i)).build());
        }
        assertEquals(Misbehaviour.TOO_MANY_TOPICS.penalty(), fixture.pointsFor(peer));
    }

    @Test
    void framesFromPeersThatAreNotConnectedAreIgnored() {
        fixture.router.subscribe(TOPIC);
        fixture.connectGrafting(1, 2);
        fixture.sent.clear();
        fixture.receive(TestPeers.peer(99), frame(publish("from nowhere", 5)));
        fixture.receive(TestPeers.peer(99), GossipFrame.getDefaultInstance());

        assertTrue(fixture.delivered.isEmpty());
        assertTrue(fixture.sent.isEmpty());
        assertTrue(fixture.penalties.isEmpty());
    }
}
