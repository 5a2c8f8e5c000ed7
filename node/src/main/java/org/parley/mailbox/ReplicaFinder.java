package org.parley.mailbox;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.parley.identity.PeerId;
import org.parley.overlay.dht.DhtKey;
import org.parley.overlay.record.PeerRecord;

/** The peers responsible for a recipient's mailbox as this node knows them: closest to its key first. */
@FunctionalInterface
public interface ReplicaFinder {
    /** Up to {@code count} records, closest to {@code recipient}'s key first, never the recipient's own. */
    List<PeerRecord> closest(PeerId recipient, int count);

    /**
     * Records of the contacts {@code recipient}'s record names as relays of its mail (our own
     * record's when it is us), those whose records we hold; none for a finder that knows no
     * records.
     */
    default List<PeerRecord> relaysOf(PeerId recipient) {
        return List.of();
    }

    /**
     * Up to {@code count} records closest to {@code recipient}'s key, looked up in the network
     * beyond what we know (completing on the node's loop); what we know for a finder that cannot.
     */
    default CompletableFuture<List<PeerRecord>> lookUpClosest(PeerId recipient, int count) {
        return CompletableFuture.completedFuture(closest(recipient, count));
    }

    /**
     * Up to {@code count} records closest to {@code key} (a key that names no peer, as a group
     * topic's), closest first; none for a finder that knows no records.
     */
    default List<PeerRecord> closestToKey(DhtKey key, int count) {
        return List.of();
    }

    /** The record we hold of {@code peer}, to dial it; none for a finder that knows no records. */
    default Optional<PeerRecord> recordOf(PeerId peer) {
        return Optional.empty();
    }
}
