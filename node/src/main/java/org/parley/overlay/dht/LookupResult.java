package org.parley.overlay.dht;

import java.util.Optional;
import org.parley.overlay.record.PeerRecord;

/**
 * What a lookup for a peer found.
 *
 * @param record the peer's verified record, if anyone had it
 * @param hops answers, one after the other, it took to reach the record: 0 when held locally
 * @param queries FindNode requests sent in all
 */
public record LookupResult(Optional<PeerRecord> record, int hops, int queries) {
}
