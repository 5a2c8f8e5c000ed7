package org.parley.mailbox;

import java.util.List;
import java.util.Optional;
import org.parley.identity.PeerId;
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

    /** The record we hold of {@code peer}, to dial it; none for a finder that knows no records. */
    default Optional<PeerRecord> recordOf(PeerId peer) {
        return Optional.empty();
    }
}
