package org.parley.messaging;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.parley.identity.PeerId;

/** The user's contacts and blocks, as the layers above use them. Called on the node's loop. */
public interface ContactBook {
    CompletableFuture<ContactRecord> addContact(PeerId peer, String name);

    CompletableFuture<ContactRecord> block(PeerId peer);

    /** Forgets a contact (its history stays); false when it was not one. */
    CompletableFuture<Boolean> removeContact(PeerId peer);

    /** Contacts and blocked peers, by name, with what each had refused. */
    List<ContactRecord> contacts();

    /** Envelopes refused from {@code peer}, by reason. */
    Map<String, Long> refusedFrom(PeerId peer);

    /** Whether the user added {@code peer} as a contact (and has not blocked it). */
    default boolean isContact(PeerId peer) {
        return contacts().stream()
                .anyMatch(contact -> contact.peer().equals(peer) && contact.status().equals(ContactRecord.CONTACT));
    }
}
