package org.parley.overlay.gossip;

import org.parley.proto.wire.v1.GossipFrame;
import org.parley.proto.wire.v1.Graft;
import org.parley.proto.wire.v1.Prune;
import org.parley.proto.wire.v1.Subscribe;

/** The small control frames the router and its mesh upkeep send about a topic. */
final class GossipFrames {
    private GossipFrames() {
    }

    static GossipFrame subscribe(String topic) {
        return GossipFrame.newBuilder().setSubscribe(Subscribe.newBuilder().setTopic(topic)).build();
    }

    static GossipFrame graft(String topic) {
        return GossipFrame.newBuilder().setGraft(Graft.newBuilder().setTopic(topic)).build();
    }

    static GossipFrame prune(String topic) {
        return GossipFrame.newBuilder().setPrune(Prune.newBuilder().setTopic(topic)).build();
    }
}
