package org.parley.mailbox;

import com.google.protobuf.ByteString;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.StoreAnswer;
import org.parley.proto.wire.v1.StoreAnswer.Outcome;

/**
 * A replica's knowledge of the other copies of what it holds, mail and group posts alike: per
 * held item, the peers known to hold it too (they handed it over, or confirmed a repair offer),
 * and which repair offer of the current round went out for which item. Repair offers an item only
 * to responsible peers not known to hold it. Confined to the node's loop.
 */
final class ReplicaCopies {
    private final Map<ByteString, Set<PeerId>> holders = new HashMap<>();
    private final Map<Long, ByteString> offers = new HashMap<>();

    /** {@code peer} holds the item too. */
    void heldBy(ByteString id, PeerId peer) {
        holders.computeIfAbsent(id, key -> new HashSet<>()).add(peer);
    }

    /** The peers known to hold the item (a live set, to check before offering). */
    Set<PeerId> holdersOf(ByteString id) {
        return holders.computeIfAbsent(id, key -> new HashSet<>());
    }

    /** The item is no longer held here: its holders need no keeping. */
    void forget(ByteString id) {
        holders.remove(id);
    }

    /** A new repair round: answers to the last one that have not come by now will not come. */
    void newRound() {
        offers.clear();
    }

    void offered(long requestId, ByteString id) {
        offers.put(requestId, id);
    }

    /** A peer's answer to one of our repair offers; false when it answers none of them. */
    boolean answered(PeerId from, long requestId, StoreAnswer answer) {
        ByteString id = offers.remove(requestId);
        if (id == null) {
            return false;
        }
        Set<PeerId> known = holders.get(id);
        if (known != null && answer.getOutcome() == Outcome.STORED) {
            known.add(from);
        }
        return true;
    }
}
