package org.parley.link;

import org.parley.identity.PeerId;

/**
 * A neighbour with an established link (verified identity, Hello exchanged).
 *
 * @param address where the peer accepts links, as it announced; the socket address if it announced none
 */
public record PeerInfo(PeerId peerId, String address, Direction direction, long connectedAtMillis,
                       String agent) {
}
