package org.parley.overlay.gossip;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.parley.identity.PeerId;
import org.parley.link.FrameHandler;
import org.parley.link.LinkEvents;
import org.parley.link.Neighbours;
import org.parley.link.PeerInfo;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.GossipFrame;

/**
 * Puts a {@link GossipRouter} on the node's links: link events and gossip frames go in, the
 * router's frames go out as {@code Frame.gossip}, its penalties to the link layer's scores, and
 * its deliveries to whoever listens here.
 */
public final class GossipOverLinks implements LinkEvents, FrameHandler, GossipHost {
    /** A message on a subscribed topic, handed up once. */
    public record Delivery(String topic, GossipId id, byte[] payload, int hops) {
    }

    /** What the layer above hears. */
    public interface Listener {
        void delivered(Delivery delivery);
    }

    private final Neighbours links;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private GossipRouter router;

    public GossipOverLinks(Neighbours links) {
        this.links = links;
    }

    /** The router this host serves; set once, before any link event. */
    public void attach(GossipRouter router) {
        if (this.router != null) {
            throw new IllegalStateException("a router is already attached");
        }
        this.router = router;
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    @Override
    public void peerConnected(PeerInfo peer) {
        router.peerConnected(peer.peerId());
    }

    @Override
    public void peerDisconnected(PeerId peer) {
        router.peerDisconnected(peer);
    }

    /** Gossip frames, for the router. */
    @Override
    public Set<Frame.BodyCase> frameTypes() {
        return Set.of(Frame.BodyCase.GOSSIP);
    }

    @Override
    public void frameReceived(PeerId from, Frame frame) {
        if (frame.hasGossip()) {
            router.frameReceived(from, frame.getGossip());
        }
    }

    @Override
    public void send(PeerId peer, GossipFrame frame) {
        links.send(peer, Frame.newBuilder().setGossip(frame).build());
    }

    @Override
    public void deliver(String topic, GossipId id, byte[] payload, int hops) {
        Delivery delivery = new Delivery(topic, id, payload, hops);
        listeners.forEach(listener -> listener.delivered(delivery));
    }

    @Override
    public void penalize(PeerId peer, double points, String reason) {
        links.penalize(peer, points, reason);
    }
}
