package org.parley.messaging;

import org.parley.identity.PeerId;

/**
 * Hears group-layer content that arrived over a pairwise session. Called on the node's loop,
 * after the session state and the envelope's dedupe record are committed.
 */
public interface GroupSignalListener {
    void groupSignalReceived(PeerId sender, byte[] control);

    /**
     * As above; {@code relayed}: a mailbox replica carried it rather than the sender's link, so
     * what is only meant live (typing) is stale.
     */
    default void groupSignalReceived(PeerId sender, byte[] control, boolean relayed) {
        groupSignalReceived(sender, control);
    }

    /**
     * A peer's prekey bundle arrived (most often just after its link came up): group content that
     * could not be sealed for it before can be sent now.
     */
    default void bundleArrived(PeerId peer) {
    }
}
