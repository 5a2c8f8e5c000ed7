package org.parley.link;

import java.util.Optional;
import org.parley.identity.PeerId;

/**
 * A neighbour with an established link (verified identity, Hello exchanged).
 *
 * @param address where the peer accepts links, as it announced; the socket address if it announced none
 * @param path how the link's bytes travel
 * @param relay the relay splicing the link when {@code path} is relayed
 */
public record PeerInfo(PeerId peerId, String address, Direction direction, long connectedAtMillis,
                       String agent, LinkPath path, Optional<PeerId> relay) {
    public PeerInfo {
        java.util.Objects.requireNonNull(path, "path");
        java.util.Objects.requireNonNull(relay, "relay");
    }

    /** A direct link. */
    public PeerInfo(PeerId peerId, String address, Direction direction, long connectedAtMillis, String agent) {
        this(peerId, address, direction, connectedAtMillis, agent, LinkPath.DIRECT, Optional.empty());
    }
}
