package org.parley.link;

import java.util.Optional;
import org.parley.identity.InvalidPeerIdException;
import org.parley.identity.PeerId;

/**
 * Where to dial, and optionally who must answer there. With an expected peer ID the TLS handshake
 * refuses any other identity; without one the identity is learned from the handshake. With a
 * relay, {@code address} is the relay's: the dial opens a circuit there to the expected peer, and
 * the handshake inside the circuit must prove that peer.
 */
public record DialTarget(HostPort address, Optional<PeerId> expectedPeer, Optional<PeerId> relay) {
    public DialTarget {
        java.util.Objects.requireNonNull(address, "address");
        java.util.Objects.requireNonNull(expectedPeer, "expectedPeer");
        java.util.Objects.requireNonNull(relay, "relay");
        if (relay.isPresent() && (expectedPeer.isEmpty() || expectedPeer.equals(relay))) {
            throw new IllegalArgumentException("a circuit goes to a named peer other than the relay");
        }
    }

    public DialTarget(HostPort address, Optional<PeerId> expectedPeer) {
        this(address, expectedPeer, Optional.empty());
    }

    /** {@code peer} through a circuit at {@code relay}, which listens at {@code relayAddress}. */
    public static DialTarget peerVia(PeerId peer, PeerId relay, HostPort relayAddress) {
        return new DialTarget(relayAddress, Optional.of(peer), Optional.of(relay));
    }

    /** Whether this dial goes through a relay rather than straight to the peer. */
    public boolean isRelayed() {
        return relay.isPresent();
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
        if (relay.isPresent()) {
            return expectedPeer.orElseThrow() + " via " + relay.get() + "@" + address;
        }
        return expectedPeer.map(peer -> peer + "@" + address).orElse(address.toString());
    }
}
