package org.parley.messaging;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;
import org.parley.store.ContentCipher;
import org.parley.store.MessageRows;
import org.parley.store.SealedPlaces;
import org.parley.store.PeerRows;
import org.parley.store.StorageQueue;

/**
 * The peers the user named or blocked, and how many envelopes each peer had refused. Confined to
 * the loop; changes are committed before they show.
 */
final class Contacts implements ContactBook {
    private static final Logger LOG = Logger.getLogger(Contacts.class.getName());

    private final Identity self;
    private final StorageQueue storage;
    /** Seals the names the user gives (they say who the user talks to). */
    private final ContentCipher cipher;
    private final Scheduler loop;
    private final Clock clock;
    /** Read from the verifier thread too (who is known), so concurrent; changed on the loop only. */
    private final Map<PeerId, ContactRecord> contacts = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<PeerId, Map<String, Long>> refused = new HashMap<>();
    /** Told, after the commit, of the message requests a new contact's acceptance made ordinary messages. */
    private BiConsumer<PeerId, List<MessageId>> requestsAccepted = (peer, ids) -> { };

    Contacts(Identity self, StorageQueue storage, ContentCipher cipher, Scheduler loop, Clock clock) {
        this.self = self;
        this.cipher = cipher;
        this.storage = storage;
        this.loop = loop;
        this.clock = clock;
    }

    void load(Connection connection) throws SQLException {
        for (PeerRows.Contact contact : PeerRows.contacts(connection)) {
            PeerId peer = StoredPeers.parse(contact.peerId());
            String name = new String(cipher.open(contact.sealedName(), SealedPlaces.contactName(contact.peerId())),
                    StandardCharsets.UTF_8);
            contacts.put(peer, new ContactRecord(peer, name, contact.status(), contact.addedMillis(), Map.of()));
        }
        for (PeerRows.Counter counter : PeerRows.counters(connection)) {
            PeerId peer = StoredPeers.parse(counter.peerId());
            refused.computeIfAbsent(peer, p -> new HashMap<>()).put(counter.kind(), counter.count());
        }
    }

    void whenRequestsAccepted(BiConsumer<PeerId, List<MessageId>> listener) {
        this.requestsAccepted = listener;
    }

    @Override
    public CompletableFuture<ContactRecord> addContact(PeerId peer, String name) {
        return put(peer, name, ContactRecord.CONTACT);
    }

    @Override
    public CompletableFuture<ContactRecord> block(PeerId peer) {
        ContactRecord existing = contacts.get(peer);
        return put(peer, existing != null ? existing.name() : peer.shortForm(), ContactRecord.BLOCKED);
    }

    @Override
    public CompletableFuture<Boolean> removeContact(PeerId peer) {
        return storage.submit(connection -> PeerRows.removeContact(connection, peer.toString()))
                .thenApplyAsync(removed -> {
                    contacts.remove(peer);
                    return removed;
                }, loop);
    }

    @Override
    public List<ContactRecord> contacts() {
        List<ContactRecord> list = new ArrayList<>();
        contacts.values().forEach(contact -> list.add(withCounts(contact)));
        list.sort(Comparator.comparing(ContactRecord::name).thenComparing(ContactRecord::peer));
        return list;
    }

    @Override
    public Map<String, Long> refusedFrom(PeerId peer) {
        return Map.copyOf(refused.getOrDefault(peer, Map.of()));
    }

    @Override
    public boolean isContact(PeerId peer) {
        ContactRecord contact = contacts.get(peer);
        return contact != null && contact.status().equals(ContactRecord.CONTACT);
    }

    /** Named or blocked by the user: a message from anyone else is a message request. */
    boolean isKnown(PeerId peer) {
        return contacts.containsKey(peer);
    }

    boolean isBlocked(PeerId peer) {
        ContactRecord contact = contacts.get(peer);
        return contact != null && contact.status().equals(ContactRecord.BLOCKED);
    }

    /** Counts an envelope refused from {@code peer}, in memory at once and on disk soon. */
    void countRefused(PeerId peer, Misbehaviour rejection) {
        refused.computeIfAbsent(peer, p -> new HashMap<>()).merge(rejection.label(), 1L, Long::sum);
        storage.submit(connection -> {
            PeerRows.count(connection, peer.toString(), rejection.label());
            return null;
        }).whenCompleteAsync((ignored, error) -> {
            if (error != null) {
                LOG.log(Level.SEVERE, "counting a refused envelope failed", error);
            }
        }, loop);
    }

    private CompletableFuture<ContactRecord> put(PeerId peer, String name, String status) {
        if (peer.equals(self.peerId())) {
            return CompletableFuture.failedFuture(new MessagingException(MessagingException.Reason.INVALID, "that is your own peer ID"));
        }
        long addedAt = Optional.ofNullable(contacts.get(peer)).map(ContactRecord::addedAtMillis)
                .orElse(clock.nowMillis());
        ContactRecord contact = new ContactRecord(peer, name, status, addedAt, Map.of());
        List<MessageId> accepted = new ArrayList<>();
        return storage.submit(connection -> {
            byte[] sealedName = cipher.seal(name.getBytes(StandardCharsets.UTF_8),
                    SealedPlaces.contactName(peer.toString()));
            PeerRows.putContact(connection, new PeerRows.Contact(peer.toString(), sealedName, status, addedAt));
            if (status.equals(ContactRecord.CONTACT)) {
                MessageRows.acceptRequests(connection, peer.toString()).forEach(id -> accepted.add(MessageId.of(id)));
            }
            return contact;
        }).thenApplyAsync(stored -> {
            contacts.put(peer, stored);
            if (status.equals(ContactRecord.CONTACT)) {
                requestsAccepted.accept(peer, accepted);
            }
            return withCounts(stored);
        }, loop);
    }

    private ContactRecord withCounts(ContactRecord contact) {
        return new ContactRecord(contact.peer(), contact.name(), contact.status(), contact.addedAtMillis(),
                refusedFrom(contact.peer()));
    }
}
