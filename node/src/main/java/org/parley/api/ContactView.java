package org.parley.api;

import java.util.Map;

/**
 * A contact, or a blocked peer.
 *
 * @param status {@code "contact"} or {@code "blocked"}
 * @param refused envelopes from this peer refused or dropped, by reason
 * @param readReceipts whether we send it read receipts and take its own
 * @param typing whether we send it typing indicators and take its own
 */
public record ContactView(String peerId, String name, String status, long addedAt, Map<String, Long> refused,
                          boolean readReceipts, boolean typing) {
    public ContactView {
        refused = Map.copyOf(refused);
    }

    /** A contact with read receipts and typing indicators off. */
    public ContactView(String peerId, String name, String status, long addedAt, Map<String, Long> refused) {
        this(peerId, name, status, addedAt, refused, false, false);
    }
}
