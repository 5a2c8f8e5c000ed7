package org.parley.messaging;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.parley.identity.PeerId;
import org.parley.runtime.Scheduler;
import org.parley.store.SignalRows;
import org.parley.store.StorageQueue;

/**
 * Per contact: whether the user turned read receipts and typing indicators on, and how far the
 * contact read our messages (decision 0053). Whether a signal may go to a peer or be taken from it
 * is decided here, in one place: only a contact, and only with the switch on (reciprocity: what we
 * do not send we do not take). Confined to the loop; changes are committed before they show.
 */
final class SignalSwitches {
    private final StorageQueue storage;
    private final Contacts contacts;
    private final Scheduler loop;
    private final Map<PeerId, ConversationSignals.Switches> switches = new HashMap<>();
    /** Per contact: the send time of the newest of our messages it said it read. */
    private final Map<PeerId, Long> peerRead = new HashMap<>();

    SignalSwitches(StorageQueue storage, Contacts contacts, Scheduler loop) {
        this.storage = storage;
        this.contacts = contacts;
        this.loop = loop;
    }

    void load(Connection connection) throws SQLException {
        for (SignalRows.Signals row : SignalRows.all(connection)) {
            PeerId peer = StoredPeers.parse(row.peerId());
            switches.put(peer, new ConversationSignals.Switches(row.readReceipts(), row.typing()));
            if (row.peerReadMillis() > 0) {
                peerRead.put(peer, row.peerReadMillis());
            }
        }
    }

    ConversationSignals.Switches of(PeerId peer) {
        return switches.getOrDefault(peer, ConversationSignals.Switches.OFF);
    }

    CompletableFuture<ConversationSignals.Switches> set(PeerId peer, Optional<Boolean> readReceipts,
                                                        Optional<Boolean> typing) {
        if (!contacts.isContact(peer)) {
            return CompletableFuture.failedFuture(new MessagingException(MessagingException.Reason.WRONG_STATE,
                    peer + " is not a contact: add it first"));
        }
        ConversationSignals.Switches now = of(peer);
        ConversationSignals.Switches next = new ConversationSignals.Switches(readReceipts.orElse(now.readReceipts()),
                typing.orElse(now.typing()));
        return storage.submit(connection -> {
            SignalRows.setSwitches(connection, peer.toString(), next.readReceipts(), next.typing());
            return next;
        }).thenApplyAsync(stored -> {
            switches.put(peer, stored);
            return stored;
        }, loop);
    }

    /** Whether read receipts go to and come from {@code peer}: a contact, with the switch on. */
    boolean readReceiptsWith(PeerId peer) {
        return contacts.isContact(peer) && of(peer).readReceipts();
    }

    /** Whether typing indicators go to and come from {@code peer}: a contact, with the switch on. */
    boolean typingWith(PeerId peer) {
        return contacts.isContact(peer) && of(peer).typing();
    }

    /** The send time of the newest of our messages {@code peer} read; 0 when none. */
    long peerReadUpTo(PeerId peer) {
        return peerRead.getOrDefault(peer, 0L);
    }

    /** Notes, after the commit, that {@code peer} read up to a message sent at {@code sentMillis}; never back. */
    void peerRead(PeerId peer, long sentMillis) {
        peerRead.merge(peer, sentMillis, Math::max);
    }
}
