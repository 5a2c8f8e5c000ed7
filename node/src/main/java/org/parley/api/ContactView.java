package org.parley.api;

import java.util.Map;

/**
 * A contact, or a blocked peer.
 *
 * @param status {@code "contact"} or {@code "blocked"}
 * @param refused envelopes from this peer refused or dropped, by reason
 */
public record ContactView(String peerId, String name, String status, long addedAt, Map<String, Long> refused) {
    public ContactView {
        refused = Map.copyOf(refused);
    }
}
