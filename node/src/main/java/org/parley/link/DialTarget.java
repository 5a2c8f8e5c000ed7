package org.parley.link;

import java.util.Optional;
import org.parley.identity.InvalidPeerIdException;
import org.parley.identity.PeerId;

/**
 * Where to dial, and optionally who must answer there. With an expected peer ID the TLS handshake
 * refuses any other identity; without one the identity is learned from the handshake.
 */
public record DialTarget(HostPort address, Optional<PeerId> expectedPeer) {
    public DialTarget {
        java.util.Objects.requireNonNull(address, "address");
        java.util.Objects.requireNonNull(expectedPeer, "expectedPeer");
    }

    public static DialTarget anyPeerAt(HostPort address) {
        return new DialTarget(address, Optional.empty());
    }

    public static DialTarget peerAt(PeerId peer, HostPort address) {
        return new DialTarget(address, Optional.of(peer));
    }

    /**
     * Parses {@code PEERID@host:port} or {@code host:port}.
     *
     * @throws IllegalArgumentException with a message fit for the user
     */
    public static DialTarget parse(String text) {
        String input = text == null ? "" : text.strip();
        int at = input.indexOf('@');
        if (at < 0) {
            return anyPeerAt(HostPort.parse(input));
        }
        try {
            return peerAt(PeerId.parse(input.substring(0, at)), HostPort.parse(input.substring(at + 1)));
        } catch (InvalidPeerIdException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return expectedPeer.map(peer -> peer + "@" + address).orElse(address.toString());
    }
}
