package org.parley.messaging;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.parley.identity.PeerId;
import org.parley.runtime.Scheduler;
import org.parley.store.ContentCipher;
import org.parley.store.ConversationRows;
import org.parley.store.SealedPlaces;
import org.parley.store.MessageRows;
import org.parley.store.StorageQueue;

/** Reads the message history back from the disk, bodies opened with the content key. */
final class History {
    private final StorageQueue storage;
    private final ContentCipher cipher;
    private final Contacts contacts;
    private final Scheduler loop;
    private final ConversationLedger ledger;

    History(StorageQueue storage, ContentCipher cipher, Contacts contacts, Scheduler loop) {
        this.storage = storage;
        this.cipher = cipher;
        this.ledger = new ConversationLedger(cipher);
        this.contacts = contacts;
        this.loop = loop;
    }

    /** What a message body is sealed to at rest: its ID, its peer and its direction. */
    static String bodyContext(MessageId id, String peerId, String direction) {
        return SealedPlaces.messageBody(id.bytes(), peerId, direction);
    }

    CompletableFuture<List<MessageRecord>> history(PeerId peer, int limit, Optional<MessageId> before) {
        return storage.submit(connection -> {
            Optional<MessageRows.StoredMessage> anchor = Optional.empty();
            if (before.isPresent()) {
                anchor = MessageRows.find(connection, before.get().bytes())
                        .filter(message -> message.peerId().equals(peer.toString()));
                if (anchor.isEmpty()) {
                    throw new MessagingException(MessagingException.Reason.NOT_FOUND, "no message " + before.get() + " with " + peer);
                }
            }
            List<MessageRecord> records = new ArrayList<>();
            for (MessageRows.StoredMessage stored : MessageRows.history(connection, peer.toString(), limit, anchor)) {
                records.add(toRecord(connection, stored));
            }
            return records;
        });
    }

    CompletableFuture<List<MessageRecord>> messageRequests(int limit) {
        return storage.submit(connection -> {
            List<MessageRecord> records = new ArrayList<>();
            for (MessageRows.StoredMessage stored : MessageRows.latestRequests(connection, limit)) {
                records.add(toRecord(connection, stored));
            }
            return records;
        }).thenApplyAsync(records -> records.stream()
                .filter(record -> !contacts.isKnown(record.peer())).toList(), loop);
    }

    /** A stored message as shown: its body opened, its edits, deletion, reply and reactions applied. */
    MessageRecord toRecord(Connection connection, MessageRows.StoredMessage stored) throws SQLException {
        MessageId id = MessageId.of(stored.id());
        String text = new String(cipher.open(stored.body(), bodyContext(id, stored.peerId(), stored.direction())), StandardCharsets.UTF_8);
        PeerId peer = StoredPeers.parse(stored.peerId());
        ConversationLedger.Shown shown = ledger.shown(connection, ConversationRows.direct(stored.peerId()), stored.id(),
                text);
        return new MessageRecord(id, stored.direction(), peer, shown.text(), stored.sentMillis(), stored.receivedMillis(),
                stored.state(), stored.reason(), stored.request(), stored.replicas(), shown.annotations());
    }
}
