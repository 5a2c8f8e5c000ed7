package org.parley.overlay.dht;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.parley.identity.PeerId;
import org.parley.overlay.record.PeerRecord;
import org.parley.runtime.Scheduler;

/**
 * One lookup the {@link LookupDriver} is running: the iterative state machine, the records of the
 * candidates it learned (to dial them and to add those that answer to the routing table), and
 * what it found. Confined to the node's loop.
 */
final class LookupRun {
    final IterativeLookup lookup;
    /** The peer whose record is sought; empty for a lookup of the k closest peers alone. */
    final Optional<PeerId> target;
    final CompletableFuture<LookupResult> result = new CompletableFuture<>();
    private final Map<PeerId, PeerRecord> candidateRecords = new HashMap<>();
    private PeerRecord found;
    private int foundHops;
    Scheduler.Cancellable deadline;
    boolean done;

    LookupRun(IterativeLookup lookup, Optional<PeerId> target) {
        this.lookup = lookup;
        this.target = target;
    }

    /** Remembers a record an answer carried; the newest of one peer's records wins. */
    void heard(PeerRecord record) {
        candidateRecords.merge(record.peer(), record,
                (held, offered) -> Long.compareUnsigned(offered.sequence(), held.sequence()) > 0 ? offered : held);
    }

    Optional<PeerRecord> candidateRecord(PeerId peer) {
        return Optional.ofNullable(candidateRecords.get(peer));
    }

    /** Whether the target's record has turned up; records it at {@code hops} if so. */
    boolean checkFound(int hops) {
        if (target.isEmpty()) {
            return false;
        }
        PeerRecord record = candidateRecords.get(target.get());
        if (record != null && found == null) {
            found = record;
            foundHops = hops;
        }
        return found != null;
    }

    LookupResult outcome() {
        return found == null ? new LookupResult(Optional.empty(), lookup.hops(), lookup.queriesSent())
                : new LookupResult(Optional.of(found), foundHops, lookup.queriesSent());
    }
}
