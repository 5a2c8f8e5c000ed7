package org.parley.link;

import java.util.Optional;
import java.util.Set;
import org.parley.identity.PeerId;

/**
 * A neighbour with an established link (verified identity, Hello exchanged).
 *
 * @param address where the peer accepts links, as it announced; the socket address if it announced none
 * @param path how the link's bytes travel
 * @param relay the relay splicing the link when {@code path} is relayed
 * @param envelopeVersions the envelope versions the peer said it takes; empty when its Hello said
 *                         none (a node from before sealing, which takes version 1 only); null
 *                         when no Hello was read (a harness that links layers directly)
 * @param forwardsDeposits whether the peer's Hello said it deposits placed mail for its neighbours
 * @param proxiesLookups whether the peer's Hello said it takes lookups made for others (decision 0085)
 */
public record PeerInfo(PeerId peerId, String address, Direction direction, long connectedAtMillis,
                       String agent, LinkPath path, Optional<PeerId> relay, Set<Integer> envelopeVersions,
                       boolean forwardsDeposits, boolean proxiesLookups) {
    public PeerInfo {
        java.util.Objects.requireNonNull(path, "path");
        java.util.Objects.requireNonNull(relay, "relay");
        envelopeVersions = envelopeVersions == null ? null : Set.copyOf(envelopeVersions);
    }

    /** A neighbour that does not proxy lookups. */
    public PeerInfo(PeerId peerId, String address, Direction direction, long connectedAtMillis, String agent,
                    LinkPath path, Optional<PeerId> relay, Set<Integer> envelopeVersions, boolean forwardsDeposits) {
        this(peerId, address, direction, connectedAtMillis, agent, path, relay, envelopeVersions, forwardsDeposits,
                false);
    }

    /** A neighbour that does not forward deposits. */
    public PeerInfo(PeerId peerId, String address, Direction direction, long connectedAtMillis, String agent,
                    LinkPath path, Optional<PeerId> relay, Set<Integer> envelopeVersions) {
        this(peerId, address, direction, connectedAtMillis, agent, path, relay, envelopeVersions, false);
    }

    /** A neighbour whose Hello was not read. */
    public PeerInfo(PeerId peerId, String address, Direction direction, long connectedAtMillis, String agent,
                    LinkPath path, Optional<PeerId> relay) {
        this(peerId, address, direction, connectedAtMillis, agent, path, relay, null);
    }

    /** A direct link. */
    public PeerInfo(PeerId peerId, String address, Direction direction, long connectedAtMillis, String agent) {
        this(peerId, address, direction, connectedAtMillis, agent, LinkPath.DIRECT, Optional.empty());
    }
}
