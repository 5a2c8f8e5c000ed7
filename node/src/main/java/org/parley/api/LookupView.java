package org.parley.api;

/**
 * What a DHT lookup for a peer found.
 *
 * @param found whether a valid record of the peer turned up
 * @param record the record found, else null
 * @param hops answers, one after the other, it took to reach the record (0 when the node held it)
 * @param queries requests the lookup sent to other peers
 */
public record LookupView(String peerId, boolean found, RecordView record, int hops, int queries) {
    /**
     * A peer's signed word on where it listens.
     *
     * @param sequence the record's sequence number (a newer record has a higher one)
     * @param expiresAt when the record stops being valid, in milliseconds since the epoch
     * @param relays the contacts it names as relays of its mail
     * @param linkRelays the peers holding a reservation for it: reach it through a circuit at one of them
     */
    public record RecordView(java.util.List<String> addresses, long sequence, long expiresAt,
                             java.util.List<String> relays, java.util.List<String> linkRelays) {
        public RecordView(java.util.List<String> addresses, long sequence, long expiresAt,
                          java.util.List<String> relays) {
            this(addresses, sequence, expiresAt, relays, java.util.List.of());
        }
    }
}
