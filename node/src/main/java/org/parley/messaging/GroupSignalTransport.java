package org.parley.messaging;

import org.parley.identity.PeerId;

/**
 * The pairwise sessions as the group layer uses them to carry its control content. Nothing is
 * queued here: the group layer keeps what must arrive and sends it again until acknowledged.
 * Called on the node's loop.
 */
public interface GroupSignalTransport {
    /** Sends to a linked {@code peer}, now and once: false when there is no link or no way to encrypt for it yet. */
    boolean sendGroupSignal(PeerId peer, byte[] control);

    /** Hands content for an unlinked {@code peer} to its mailboxes, once: false when linked or no way to encrypt. */
    boolean carryGroupSignal(PeerId peer, byte[] control);
}
