package org.parley.sim;

import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.overlay.gossip.GossipHost;
import org.parley.overlay.gossip.GossipId;
import org.parley.proto.wire.v1.GossipFrame;

/**
 * A Sybil's gossip: the honest router, whose messages and announcements stop going out while its
 * {@link Colluders} drop gossip. Subscriptions and mesh changes still go out, so it keeps its
 * places in meshes, which is what makes dropping hurt.
 */
record DefectingGossip(GossipHost honest, Colluders colluders) implements GossipHost {
    @Override
    public void send(PeerId peer, GossipFrame frame) {
        boolean control = frame.hasSubscribe() || frame.hasGraft() || frame.hasPrune() || frame.hasUnsubscribe();
        if (control || !colluders.dropsGossip()) {
            honest.send(peer, frame);
        }
    }

    @Override
    public void deliver(String topic, GossipId id, byte[] payload, int hops) {
        honest.deliver(topic, id, payload, hops);
    }

    @Override
    public void penalize(PeerId peer, Misbehaviour misbehaviour, String detail) {
        honest.penalize(peer, misbehaviour, detail);
    }
}
