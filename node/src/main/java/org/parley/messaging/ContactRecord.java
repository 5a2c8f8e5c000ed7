package org.parley.messaging;

import java.util.Map;
import org.parley.identity.PeerId;

/**
 * A peer the user named or blocked.
 *
 * @param status {@code "contact"} or {@code "blocked"}
 * @param refused how many envelopes from this peer were refused or dropped, by reason
 */
public record ContactRecord(PeerId peer, String name, String status, long addedAtMillis, Map<String, Long> refused) {
    public static final String CONTACT = "contact";
    public static final String BLOCKED = "blocked";

    public ContactRecord {
        refused = Map.copyOf(refused);
    }
}
