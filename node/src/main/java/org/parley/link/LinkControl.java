package org.parley.link;

import org.parley.identity.PeerId;

/**
 * What the overlay may do with links beyond sending on them: open links to peers it has learned
 * of, and trim links it does not need. Call on the node's loop.
 */
public interface LinkControl extends Neighbours {
    /** Dials once: a failure or a later loss is not retried (unlike {@link LinkManager#keepLinkTo}). */
    void dialOnce(DialTarget target);

    /**
     * Dials the targets in turn, each only once the one before failed (a peer's own address first,
     * then circuits at its relays), until one links. Without support for that, dials the first.
     */
    default void dialInTurn(java.util.List<DialTarget> targets) {
        if (!targets.isEmpty()) {
            dialOnce(targets.get(0));
        }
    }

    /**
     * Closes the link to {@code peer}. False, and nothing closed, when there is none or it is a
     * link this node was asked to keep (a bootstrap link).
     */
    boolean disconnect(PeerId peer, String reason);
}
