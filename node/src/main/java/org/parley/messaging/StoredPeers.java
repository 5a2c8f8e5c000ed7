package org.parley.messaging;

import org.parley.identity.InvalidPeerIdException;
import org.parley.identity.PeerId;

/** Peer IDs read back from the database, which wrote only valid ones. */
final class StoredPeers {
    private StoredPeers() {
    }

    static PeerId parse(String peerId) {
        try {
            return PeerId.parse(peerId);
        } catch (InvalidPeerIdException e) {
            throw new MessagingException("the database holds an invalid peer ID");
        }
    }
}
