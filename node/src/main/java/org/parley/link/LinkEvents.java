package org.parley.link;

import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.Frame;

/**
 * What the link layer tells the layers above (overlay, messaging). Called on the node's loop.
 * Only established links are reported, and at most one per peer at a time.
 */
public interface LinkEvents {
    default void peerConnected(PeerInfo peer) {
    }

    default void peerDisconnected(PeerId peer) {
    }

    /** A frame for the layers above (never a {@code Hello}). */
    default void frameReceived(PeerId from, Frame frame) {
    }
}
