package org.parley.overlay.gossip;

import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.proto.wire.v1.GossipFrame;

/**
 * Everything a {@link GossipRouter} does to the world goes through here, so the router itself
 * never touches a link, a thread or the clock. The node maps it onto its links and the layer above;
 * tests map it onto other routers. Called on the node's loop.
 */
public interface GossipHost {
    /** Sends a frame to a neighbour; it may be lost, as on any link. */
    void send(PeerId peer, GossipFrame frame);

    /**
     * Hands a message to the local subscriber of {@code topic}; called once per message.
     * {@code hops} is how many links it crossed to get here, as the relays counted them.
     */
    void deliver(String topic, GossipId id, byte[] payload, int hops);

    /** Scores a neighbour down for misbehaviour seen by gossip; {@code detail} is for the log. */
    void penalize(PeerId peer, Misbehaviour misbehaviour, String detail);
}
