package org.parley.link;

import org.parley.identity.PeerId;

/**
 * Links coming up and going down, as the link layer tells every layer above that asked (overlay,
 * messaging). Called on the node's loop. Only established links are reported, and at most one per
 * peer at a time. Frames are not: each goes to the one {@link FrameHandler} that owns its type.
 */
public interface LinkEvents {
    default void peerConnected(PeerInfo peer) {
    }

    default void peerDisconnected(PeerId peer) {
    }
}
