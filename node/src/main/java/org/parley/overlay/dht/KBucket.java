package org.parley.overlay.dht;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import org.parley.identity.PeerId;

/**
 * One k-bucket: the live contacts whose keys share the same prefix length with the local key,
 * least recently seen first, and a bounded cache of newcomers that arrived while it was full,
 * oldest first. Limits are the {@link RoutingTable}'s business; this only keeps the order.
 */
final class KBucket {
    private final LinkedHashMap<PeerId, Contact> live = new LinkedHashMap<>();
    private final LinkedHashMap<PeerId, Contact> replacements = new LinkedHashMap<>();

    Contact live(PeerId peer) {
        return live.get(peer);
    }

    boolean isLive(PeerId peer) {
        return live.containsKey(peer);
    }

    int liveCount() {
        return live.size();
    }

    Collection<Contact> liveContacts() {
        return live.values();
    }

    Optional<Contact> leastRecentlySeen() {
        return live.values().stream().findFirst();
    }

    /** Adds or refreshes a live contact as the most recently seen. */
    void putLive(Contact contact) {
        live.remove(contact.peer());
        live.put(contact.peer(), contact);
    }

    Contact removeLive(PeerId peer) {
        return live.remove(peer);
    }

    Collection<Contact> replacements() {
        return replacements.values();
    }

    /** Remembers a newcomer as the newest replacement, dropping the oldest beyond {@code capacity}. */
    void putReplacement(Contact contact, int capacity) {
        replacements.remove(contact.peer());
        if (capacity == 0) {
            return;
        }
        replacements.put(contact.peer(), contact);
        if (replacements.size() > capacity) {
            replacements.remove(replacements.keySet().iterator().next());
        }
    }

    boolean removeReplacement(PeerId peer) {
        return replacements.remove(peer) != null;
    }

    /** The replacements, newest first: the order in which they are worth promoting. */
    List<Contact> replacementsNewestFirst() {
        List<Contact> newestFirst = new ArrayList<>(replacements.values());
        Collections.reverse(newestFirst);
        return newestFirst;
    }
}
