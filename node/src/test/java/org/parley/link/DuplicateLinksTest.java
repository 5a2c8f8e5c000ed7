package org.parley.link;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.Frame;

/** Which of two links to one peer both ends keep, now that links travel different paths. */
class DuplicateLinksTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final PeerId small;
    private final PeerId large;
    private final PeerId relay = Identity.generate("relay", RANDOM).peerId();

    DuplicateLinksTest() {
        List<PeerId> two = new ArrayList<>(List.of(Identity.generate("a", RANDOM).peerId(),
                Identity.generate("b", RANDOM).peerId()));
        Collections.sort(two);
        small = two.get(0);
        large = two.get(1);
    }

    @Test
    void aPunchedOrDialledLinkReplacesARelayedOneAtBothEndsWhoeverDialledIt() {
        // At the larger end: the relayed link was dialled by the smaller peer (its rule's winner),
        // the punched one is served here; still the punched one wins, at both ends alike.
        assertTrue(DuplicateLinks.keepsNew(large, link(small, Direction.INBOUND, LinkPath.RELAYED),
                link(small, Direction.OUTBOUND, LinkPath.HOLE_PUNCHED)));
        assertTrue(DuplicateLinks.keepsNew(small, link(large, Direction.OUTBOUND, LinkPath.RELAYED),
                link(large, Direction.INBOUND, LinkPath.HOLE_PUNCHED)));
        assertTrue(DuplicateLinks.keepsNew(large, link(small, Direction.INBOUND, LinkPath.RELAYED),
                link(small, Direction.INBOUND, LinkPath.DIRECT)));
    }

    @Test
    void aRelayedLinkNeverReplacesADirectOrPunchedOne() {
        assertFalse(DuplicateLinks.keepsNew(small, link(large, Direction.INBOUND, LinkPath.HOLE_PUNCHED),
                link(large, Direction.OUTBOUND, LinkPath.RELAYED)));
        assertFalse(DuplicateLinks.keepsNew(large, link(small, Direction.OUTBOUND, LinkPath.HOLE_PUNCHED),
                link(small, Direction.INBOUND, LinkPath.RELAYED)));
        assertFalse(DuplicateLinks.keepsNew(small, link(large, Direction.INBOUND, LinkPath.DIRECT),
                link(large, Direction.OUTBOUND, LinkPath.RELAYED)));
    }

    @Test
    void betweenLinksOfOnePathTheSmallerDialerWinsAsBefore() {
        assertTrue(DuplicateLinks.keepsNew(small, link(large, Direction.INBOUND, LinkPath.DIRECT),
                link(large, Direction.OUTBOUND, LinkPath.DIRECT)));
        assertFalse(DuplicateLinks.keepsNew(small, link(large, Direction.OUTBOUND, LinkPath.DIRECT),
                link(large, Direction.INBOUND, LinkPath.DIRECT)));
    }

    private Link link(PeerId peer, Direction direction, LinkPath path) {
        return new AbstractLink(peer, direction, "198.51.100.12:7450", Optional.empty()) {
            @Override
            public Optional<PeerId> relay() {
                return path == LinkPath.RELAYED ? Optional.of(relay) : Optional.empty();
            }

            @Override
            public LinkPath path() {
                return path;
            }

            @Override
            public boolean send(Frame frame) {
                return true;
            }

            @Override
            public void close(String reason) {
            }
        };
    }
}
