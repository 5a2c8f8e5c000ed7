package org.parley.mailbox;

import java.util.List;
import org.parley.identity.PeerId;
import org.parley.overlay.record.PeerRecord;

/** The peers responsible for a recipient's mailbox as this node knows them: closest to its key first. */
@FunctionalInterface
public interface ReplicaFinder {
    /** Up to {@code count} records, closest to {@code recipient}'s key first, never the recipient's own. */
    List<PeerRecord> closest(PeerId recipient, int count);
}
