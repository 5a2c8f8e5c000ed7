package org.parley.messaging;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.Content;
import org.parley.proto.wire.v1.FileOffer;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;
import org.parley.store.StorageQueue;

/**
 * Turns what the user typed (with a quoted message or a file offer beside it) into an outgoing
 * message: checks it, stamps it with a send time and hands it to the {@link OutboxRunner}. It also
 * keeps every send time of this node strictly increasing, for texts and conversation actions alike.
 * Confined to the node's loop.
 */
final class Composer {
    private final PeerId self;
    private final StorageQueue storage;
    private final Contacts contacts;
    private final OutboxRunner outbox;
    private final Scheduler loop;
    private final Clock clock;
    private final SecureRandom random;
    private final MessagingConfig config;
    private long lastSentAtMillis;

    Composer(PeerId self, StorageQueue storage, Contacts contacts, OutboxRunner outbox, Scheduler loop, Clock clock,
             SecureRandom random, MessagingConfig config) {
        this.self = self;
        this.storage = storage;
        this.contacts = contacts;
        this.outbox = outbox;
        this.loop = loop;
        this.clock = clock;
        this.random = random;
        this.config = config;
    }

    /** A send time already used (one found in the outbox at start): later ones come after it. */
    void sentAtLeast(long sentAtMillis) {
        lastSentAtMillis = Math.max(lastSentAtMillis, sentAtMillis);
    }

    CompletableFuture<MessageRecord> send(PeerId peer, String text, Optional<MessageId> replyTo, FileOffer offer) {
        if (peer.equals(self)) {
            return CompletableFuture.failedFuture(new MessagingException(MessagingException.Reason.INVALID, "that is your own peer ID"));
        }
        int size = text.getBytes(StandardCharsets.UTF_8).length;
        if (size > config.maxTextBytes()) {
            return CompletableFuture.failedFuture(new MessagingException(MessagingException.Reason.INVALID, "message is " + size
                    + " bytes; the limit is " + config.maxTextBytes()));
        }
        if (text.isEmpty()) {
            return CompletableFuture.failedFuture(new MessagingException(MessagingException.Reason.INVALID, "message is empty"));
        }
        if (contacts.isBlocked(peer)) {
            return CompletableFuture.failedFuture(new MessagingException(MessagingException.Reason.WRONG_STATE, "peer " + peer + " is blocked"));
        }
        if (replyTo.isEmpty()) {
            return accept(peer, text, replyTo, offer);
        }
        // A reply quotes a message of this conversation, never one of another.
        return storage.submit(connection -> org.parley.store.MessageRows.find(connection, replyTo.get().bytes())
                        .filter(quoted -> quoted.peerId().equals(peer.toString())).isPresent())
                .thenComposeAsync(found -> found ? accept(peer, text, replyTo, offer)
                        : CompletableFuture.failedFuture(new MessagingException(MessagingException.Reason.NOT_FOUND,
                        "no message " + replyTo.get() + " with " + peer)), loop);
    }

    private CompletableFuture<MessageRecord> accept(PeerId peer, String text, Optional<MessageId> replyTo,
                                                    FileOffer offer) {
        MessageId id = MessageId.random(random);
        long sentAt = nextSentAt();
        Content.Builder builder = Content.newBuilder()
                .setMessageId(ByteString.copyFrom(id.bytes()))
                .setSentAtMs(sentAt)
                .setText(text)
                .setReplyTo(replyTo.map(quoted -> ByteString.copyFrom(quoted.bytes())).orElse(ByteString.EMPTY));
        if (offer != null) {
            builder.setFile(offer);
        }
        byte[] content = builder.build().toByteArray();
        MessageRecord record = new MessageRecord(id, MessageRecord.OUT, peer, text, sentAt, null,
                MessageRecord.PENDING, null, false, 0, replyTo.map(quoted ->
                new Annotations(quoted.toString(), false, false, List.of())).orElse(Annotations.NONE));
        return outbox.accept(record, content, sentAt + config.lifetime().toMillis());
    }

    /** Strictly increasing send times: one sender's messages keep their order in every history. */
    long nextSentAt() {
        lastSentAtMillis = Math.max(clock.nowMillis(), lastSentAtMillis + 1);
        return lastSentAtMillis;
    }
}
