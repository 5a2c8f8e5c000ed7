package org.parley.messaging;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.parley.identity.PeerId;
import org.parley.runtime.Scheduler;
import org.parley.store.ContentCipher;
import org.parley.store.SealedPlaces;
import org.parley.store.MessageRows;
import org.parley.store.StorageQueue;

/** Reads the message history back from the disk, bodies opened with the content key. */
final class History {
    private final StorageQueue storage;
    private final ContentCipher cipher;
    private final Contacts contacts;
    private final Scheduler loop;

    History(StorageQueue storage, ContentCipher cipher, Contacts contacts, Scheduler loop) {
        this.storage = storage;
        this.cipher = cipher;
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
                    throw new MessagingException("no message " + before.get() + " with " + peer);
                }
            }
            List<MessageRecord> records = new ArrayList<>();
            for (MessageRows.StoredMessage stored : MessageRows.history(connection, peer.toString(), limit, anchor)) {
                records.add(toRecord(stored));
            }
            return records;
        });
    }

    CompletableFuture<List<MessageRecord>> messageRequests(int limit) {
        return storage.submit(connection -> {
            List<MessageRecord> records = new ArrayList<>();
            for (MessageRows.StoredMessage stored : MessageRows.latestRequests(connection, limit)) {
                records.add(toRecord(stored));
            }
            return records;
        }).thenApplyAsync(records -> records.stream()
                .filter(record -> !contacts.isKnown(record.peer())).toList(), loop);
    }

    private MessageRecord toRecord(MessageRows.StoredMessage stored) {
        MessageId id = MessageId.of(stored.id());
        String text = new String(cipher.open(stored.body(), bodyContext(id, stored.peerId(), stored.direction())), StandardCharsets.UTF_8);
        PeerId peer = StoredPeers.parse(stored.peerId());
        return new MessageRecord(id, stored.direction(), peer, text, stored.sentMillis(), stored.receivedMillis(),
                stored.state(), stored.reason(), stored.request(), stored.replicas());
    }
}
