package org.parley.link;

import org.parley.identity.PeerId;

/**
 * Which of two links to the same peer survives. Both ends must pick the same one without talking,
 * so the rule depends only on facts both know. A link that goes straight between the two (dialled
 * or hole-punched) wins over one through a relay, whatever its age: the relay is only the way in
 * until a direct path exists. Otherwise the link dialed by the peer with the smaller ID wins, and
 * two links from the same dialer mean it reconnected, so the newer wins.
 */
final class DuplicateLinks {
    private DuplicateLinks() {
    }

    /** Whether {@code fresh} replaces {@code current}, seen from node {@code self}. */
    static boolean keepsNew(PeerId self, Link current, Link fresh) {
        boolean currentRelayed = current.path() == LinkPath.RELAYED;
        if (currentRelayed != (fresh.path() == LinkPath.RELAYED)) {
            return currentRelayed;
        }
        PeerId currentDialer = dialer(self, current);
        PeerId freshDialer = dialer(self, fresh);
        if (currentDialer.equals(freshDialer)) {
            return true;
        }
        return freshDialer.compareTo(currentDialer) < 0;
    }

    private static PeerId dialer(PeerId self, Link link) {
        return link.direction() == Direction.OUTBOUND ? self : link.remotePeer();
    }
}
