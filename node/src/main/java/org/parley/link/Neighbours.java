package org.parley.link;

import java.util.List;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.Frame;

/** What the layers above may do with the established links. Call on the node's loop. */
public interface Neighbours {
    /** Sends a frame on the link to {@code peer}; false when there is none or it is too far behind. */
    boolean send(PeerId peer, Frame frame);

    boolean isConnected(PeerId peer);

    /** Peers with an established link. */
    List<PeerId> linkedPeers();

    /** How many peers have an established link: {@code linkedPeers().size()}, without building the list. */
    default int linkCount() {
        return linkedPeers().size();
    }

    /** Scores a neighbour down for misbehaviour seen above the link layer. */
    void penalize(PeerId peer, double points, String reason);
}
