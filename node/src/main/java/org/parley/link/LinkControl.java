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
     * Closes the link to {@code peer}. False, and nothing closed, when there is none or it is a
     * link this node was asked to keep (a bootstrap link).
     */
    boolean disconnect(PeerId peer, String reason);
}
