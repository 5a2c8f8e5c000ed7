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
    /** Hops to the first answer that carried the target's record; 0 while none has. */
    private int foundHops;
    /** Answers still awaited after the target's record first turned up, before the newest heard is taken. */
    private int confirmationsLeft;
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

    /**
     * Whether the lookup has heard enough of the target's record to stop, after an answer from
     * {@code responder} that was {@code hops} queries away. The first record heard may be a
     * replayed old one (any peer may keep a validly signed record of the target and pass it on),
     * so the lookup goes on until the target itself answers (its answer carries its current
     * record, and its record names it as the closest candidate, so it is asked next) or
     * {@code confirmations} more peers have answered; the newest record heard is the result.
     */
    boolean checkFound(int hops, PeerId responder, int confirmations) {
        if (target.isEmpty() || !candidateRecords.containsKey(target.get())) {
            return false;
        }
        if (foundHops == 0) {
            foundHops = hops;
            confirmationsLeft = confirmations;
            return responder.equals(target.get());
        }
        return responder.equals(target.get()) || --confirmationsLeft <= 0;
    }

    LookupResult outcome() {
        PeerRecord newest = target.map(candidateRecords::get).orElse(null);
        return newest == null ? new LookupResult(Optional.empty(), lookup.hops(), lookup.queriesSent())
                : new LookupResult(Optional.of(newest), foundHops, lookup.queriesSent());
    }
}
