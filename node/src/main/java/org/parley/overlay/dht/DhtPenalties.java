package org.parley.overlay.dht;

import org.parley.identity.PeerId;
import org.parley.link.LinkControl;
import org.parley.overlay.record.PeerRecordException;

/** How much each DHT message no honest peer sends costs its sender, shared by the DHT's parts. */
final class DhtPenalties {
    /** A request or answer no honest peer builds: a key of the wrong size, a missing body or record. */
    static final double MALFORMED = 20;
    /** An answer with more than k records. */
    static final double OVERSIZED_ANSWER = 20;
    /** An answer to a question nobody asked (late answers to timed-out queries excepted). */
    static final double UNSOLICITED = 10;
    /** A StoreRecord of somebody else's record: peers publish their own. */
    static final double NOT_OWN_RECORD = 25;

    private DhtPenalties() {
    }

    /** Scores {@code from} down for a record it passed on that did not verify, as far as the rejection deserves. */
    static void refusedRecord(LinkControl links, PeerId from, PeerRecordException e) {
        if (e.rejection().penalty() > 0) {
            links.penalize(from, e.rejection().penalty(), "DHT record: " + e.rejection().label());
        }
    }
}
