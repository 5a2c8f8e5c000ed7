package org.parley.overlay.gossip;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.proto.wire.v1.GossipFrame;
import org.parley.proto.wire.v1.Graft;
import org.parley.proto.wire.v1.IHave;
import org.parley.proto.wire.v1.IWant;
import org.parley.proto.wire.v1.Publish;
import org.parley.proto.wire.v1.Subscribe;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;

/**
 * One router under test on a virtual clock, with a host that records everything it is told to do.
 * Tests play its neighbours by hand.
 */
final class RouterFixture implements GossipHost {
    static final String TOPIC = "group/a";

    final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    final GossipConfig config;
    final GossipRouter router;
    final List<Sent> sent = new ArrayList<>();
    final List<Delivery> delivered = new ArrayList<>();
    final List<Penalty> penalties = new ArrayList<>();
    /** How many frames had been sent when each delivery was handed up. */
    final List<Integer> sentAtDelivery = new ArrayList<>();

    RouterFixture(GossipConfig config) {
        this.config = config;
        this.router = new GossipRouter(this, loop, loop, new SeededRng(7), config);
    }

    RouterFixture() {
        this(GossipConfig.defaults());
    }

    /** Connects neighbours {@code first} to {@code last} (inclusive) and returns their IDs. */
    List<PeerId> connect(int first, int last) {
        List<PeerId> peers = new ArrayList<>();
        for (int n = first; n <= last; n++) {
            PeerId peer = TestPeers.peer(n);
            router.peerConnected(peer);
            peers.add(peer);
        }
        return peers;
    }

    /** Neighbours that say they are subscribed to {@link #TOPIC}. */
    List<PeerId> connectSubscribers(int first, int last) {
        List<PeerId> peers = connect(first, last);
        peers.forEach(peer -> receive(peer, GossipFrame.newBuilder()
                .setSubscribe(Subscribe.newBuilder().setTopic(TOPIC)).build()));
        return peers;
    }

    /** Neighbours that graft this router into their {@link #TOPIC} mesh. */
    List<PeerId> connectGrafting(int first, int last) {
        List<PeerId> peers = connect(first, last);
        peers.forEach(peer -> receive(peer, GossipFrame.newBuilder()
                .setGraft(Graft.newBuilder().setTopic(TOPIC)).build()));
        return peers;
    }

    void receive(PeerId from, GossipFrame frame) {
        router.frameReceived(from, frame);
    }

    static Publish publish(String payload, int hopsLeft) {
        ByteString bytes = ByteString.copyFromUtf8(payload);
        return Publish.newBuilder()
                .setMessageId(GossipId.of(TOPIC, bytes).bytes())
                .setTopic(TOPIC)
                .setPayload(bytes)
                .setHopsLeft(hopsLeft)
                .build();
    }

    static GossipFrame frame(Publish publish) {
        return GossipFrame.newBuilder().setPublish(publish).build();
    }

    static GossipFrame iHave(GossipId... ids) {
        IHave.Builder announcement = IHave.newBuilder().setTopic(TOPIC);
        for (GossipId id : ids) {
            announcement.addMessageIds(id.bytes());
        }
        return GossipFrame.newBuilder().setIhave(announcement).build();
    }

    static GossipFrame iWant(GossipId... ids) {
        IWant.Builder request = IWant.newBuilder();
        for (GossipId id : ids) {
            request.addMessageIds(id.bytes());
        }
        return GossipFrame.newBuilder().setIwant(request).build();
    }

    static GossipId idOf(Publish publish) {
        return GossipId.fromWire(publish.getMessageId());
    }

    /** The peers sent a frame of {@code kind}, in order, and forgets those frames. */
    List<PeerId> takeSent(GossipFrame.BodyCase kind) {
        List<PeerId> peers = new ArrayList<>();
        sent.removeIf(frame -> {
            if (frame.frame().getBodyCase() != kind) {
                return false;
            }
            peers.add(frame.peer());
            return true;
        });
        return peers;
    }

    /** The frames of {@code kind} sent to {@code peer}. */
    List<GossipFrame> sentTo(PeerId peer, GossipFrame.BodyCase kind) {
        return sent.stream()
                .filter(frame -> frame.peer().equals(peer) && frame.frame().getBodyCase() == kind)
                .map(Sent::frame)
                .toList();
    }

    double pointsFor(PeerId peer) {
        return penalties.stream().filter(penalty -> penalty.peer().equals(peer)).mapToDouble(Penalty::points).sum();
    }

    @Override
    public void send(PeerId peer, GossipFrame frame) {
        sent.add(new Sent(peer, frame));
    }

    @Override
    public void deliver(String topic, GossipId id, byte[] payload, int hops) {
        delivered.add(new Delivery(topic, id, ByteString.copyFrom(payload)));
        sentAtDelivery.add(sent.size());
    }

    @Override
    public void penalize(PeerId peer, Misbehaviour misbehaviour, String detail) {
        penalties.add(new Penalty(peer, misbehaviour.penalty(), misbehaviour.label() + ": " + detail));
    }

    record Sent(PeerId peer, GossipFrame frame) {
    }

    record Delivery(String topic, GossipId id, ByteString payload) {
    }

    record Penalty(PeerId peer, double points, String reason) {
    }
}
