package org.parley.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * When our signed prekey is replaced and when a replaced one is forgotten. A new prekey every
 * week means a stolen prekey private key opens only the session starts made on it; a replaced
 * prekey is kept as long as an envelope may live (so that starts still travelling, or held by
 * mailbox replicas, can open), then deleted.
 */
final class PrekeyRotation {
    static final Duration REPLACE_AFTER = Duration.ofDays(7);
    static final Duration KEEP_REPLACED_FOR = Duration.ofMillis(Envelope.MAX_LIFETIME_MILLIS);

    /** One of our prekeys as far as the schedule cares: its ID and when it was made. */
    record Made(int id, long createdMillis) {
    }

    /** What is due: a new prekey (with this ID), and the IDs of replaced prekeys to delete. */
    record Due(boolean replace, int newId, List<Integer> forget) {
        boolean nothing() {
            return !replace && forget.isEmpty();
        }
    }

    private PrekeyRotation() {
    }

    /** What is due at {@code nowMillis}, given our prekeys (any order; none yet is fine). */
    static Due due(List<Made> prekeys, long nowMillis) {
        List<Made> byAge = new ArrayList<>(prekeys);
        byAge.sort((a, b) -> Integer.compare(a.id(), b.id()));
        List<Integer> forget = new ArrayList<>();
        for (int i = 0; i + 1 < byAge.size(); i++) {
            long replacedAt = byAge.get(i + 1).createdMillis();
            if (nowMillis - replacedAt >= KEEP_REPLACED_FOR.toMillis()) {
                forget.add(byAge.get(i).id());
            }
        }
        Made newest = byAge.isEmpty() ? null : byAge.get(byAge.size() - 1);
        boolean replace = newest == null || nowMillis - newest.createdMillis() >= REPLACE_AFTER.toMillis();
        return new Due(replace, newest == null ? 1 : newest.id() + 1, forget);
    }
}
