package org.parley.link;

import java.util.List;
import java.util.Optional;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.Frame;

/** What the layers above may do with the established links. Call on the node's loop. */
public interface Neighbours {
    /** Sends a frame on the link to {@code peer}; false when there is none or it is too far behind. */
    boolean send(PeerId peer, Frame frame);

    boolean isConnected(PeerId peer);

    /**
     * Where the direct link to {@code peer} comes from as the transport sees it (see
     * {@link LinkManager#remoteAddressOf}): the address a Sybil limit may count, since a peer
     * record's addresses are whatever its signer claims. Empty without a link or for a relayed
     * one, whose bytes come from the relay.
     */
    default Optional<HostPort> remoteAddressOf(PeerId peer) {
        return Optional.empty();
    }

    /** Peers with an established link. */
    List<PeerId> linkedPeers();

    /** How many peers have an established link: {@code linkedPeers().size()}, without building the list. */
    default int linkCount() {
        return linkedPeers().size();
    }

    /**
     * Scores a neighbour down by {@code points}, logging {@code reason}: the link layer's own
     * accounting. Layers report what a peer did through
     * {@link #penalize(PeerId, Misbehaviour, String)}, so that every penalty comes from the one table.
     */
    void penalize(PeerId peer, double points, String reason);

    /** Scores a neighbour down for {@code misbehaviour}; {@code detail} says what it sent, for the log. */
    default void penalize(PeerId peer, Misbehaviour misbehaviour, String detail) {
        if (misbehaviour.penalty() > 0) {
            penalize(peer, misbehaviour.penalty(), detail.isEmpty() ? misbehaviour.label()
                    : misbehaviour.label() + ": " + detail);
        }
    }
}
