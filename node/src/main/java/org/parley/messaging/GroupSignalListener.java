package org.parley.messaging;

import org.parley.identity.PeerId;

/**
 * Hears group-layer content that arrived over a pairwise session. Called on the node's loop,
 * after the session state and the envelope's dedupe record are committed.
 */
public interface GroupSignalListener {
    void groupSignalReceived(PeerId sender, byte[] control);
}
