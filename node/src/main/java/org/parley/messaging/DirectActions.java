package org.parley.messaging;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.proto.wire.v1.Content;
import org.parley.runtime.Scheduler;
import org.parley.store.ContentCipher;
import org.parley.store.ConversationRows;
import org.parley.store.MessageRows;
import org.parley.store.StorageQueue;

/**
 * Reactions, edits and deletions of direct messages: ours, applied to our copy and sent through
 * the ratchet (once, over the link or through the peer's mailboxes, like group signals), and the
 * peer's, judged by {@link ConversationRules} against what we hold, in the transaction that takes
 * their envelope in. A message request's sender may delete its messages but not edit them or
 * react: that would let a stranger grow what it stores here past its quota. Confined to the loop.
 */
final class DirectActions {
    private static final Logger LOG = Logger.getLogger(DirectActions.class.getName());

    private final Identity self;
    private final Sessions sessions;
    private final Courier courier;
    private final StorageQueue storage;
    private final ContentCipher cipher;
    private final History history;
    private final Contacts contacts;
    private final Scheduler loop;
    private final MessagingConfig config;
    private final MessagingEvents events;
    private final LongSupplier nextSentAt;
    private final SecureRandom random;
    private final ConversationLedger ledger;

    DirectActions(Identity self, Sessions sessions, Courier courier, StorageQueue storage, ContentCipher cipher,
                  History history, Contacts contacts, Scheduler loop, MessagingConfig config, MessagingEvents events,
                  LongSupplier nextSentAt, SecureRandom random) {
        this.self = self;
        this.sessions = sessions;
        this.courier = courier;
        this.storage = storage;
        this.cipher = cipher;
        this.history = history;
        this.contacts = contacts;
        this.loop = loop;
        this.config = config;
        this.events = events;
        this.nextSentAt = nextSentAt;
        this.random = random;
        this.ledger = new ConversationLedger(cipher);
    }

    CompletableFuture<MessageRecord> act(PeerId peer, ConversationAction.Kind kind, MessageId target, String value) {
        Optional<String> problem = switch (kind) {
            case REACTION -> ReactionText.problem(value);
            case EDIT -> value.isEmpty() ? Optional.of("message is empty")
                    : value.getBytes(StandardCharsets.UTF_8).length > config.maxTextBytes()
                    ? Optional.of("message is over " + config.maxTextBytes() + " bytes") : Optional.empty();
            case DELETION -> Optional.empty();
        };
        if (problem.isPresent()) {
            return failed(MessagingException.Reason.INVALID, problem.get());
        }
        if (!sessions.canEncryptFor(peer)) {
            return failed(MessagingException.Reason.WRONG_STATE, "no session with " + peer + " yet");
        }
        long order = nextSentAt.getAsLong();
        MessageId actionId = MessageId.random(random);
        ConversationAction action = new ConversationAction(kind, target.bytes(), value, order, actionId.bytes());
        byte[] content = Content.newBuilder()
                .setMessageId(ByteString.copyFrom(actionId.bytes()))
                .setSentAtMs(order)
                .setConversationAction(action.toProto())
                .build().toByteArray();
        return storage.submit(connection -> {
            MessageRows.StoredMessage stored = find(connection, peer, target).orElseThrow(() ->
                    new MessagingException(MessagingException.Reason.NOT_FOUND, "no message " + target + " with " + peer));
            PeerId author = MessageRecord.OUT.equals(stored.direction()) ? self.peerId() : peer;
            ConversationRules.Verdict verdict = ledger.apply(connection, ConversationRows.direct(peer.toString()), action,
                    self.peerId(), Optional.of(author), eraser(stored));
            switch (verdict) {
                case NOT_AUTHOR -> throw new MessagingException(MessagingException.Reason.NOT_ALLOWED,
                        "only its author can " + (kind == ConversationAction.Kind.EDIT ? "edit" : "delete") + " a message");
                case DELETED -> throw new MessagingException(MessagingException.Reason.WRONG_STATE,
                        "message " + target + " was deleted");
                default -> {
                }
            }
            return history.toRecord(connection, find(connection, peer, target).orElseThrow());
        }).thenApplyAsync(record -> {
            if (!courier.sendEncrypted(peer, content)) {
                LOG.warning("could not send a change of " + target + " to " + peer.shortForm());
            }
            events.messageChanged(record);
            return record;
        }, loop);
    }

    /**
     * Checks a peer's action and prepares its storage work; throws when it is out of shape (the
     * caller refuses the envelope).
     */
    Incoming incoming(PeerId sender, Content content, BiConsumer<PeerId, EnvelopeException> refuse)
            throws EnvelopeException {
        if (content.getMessageId().size() != MessageId.SIZE) {
            throw new EnvelopeException(Misbehaviour.MALFORMED, "an action without a valid ID");
        }
        ConversationAction action = ConversationAction.parse(content.getConversationAction(), MessageId.SIZE,
                config.maxTextBytes(), content.getSentAtMs(), content.getMessageId().toByteArray());
        boolean stranger = !contacts.isKnown(sender);
        return new Incoming(sender, action, stranger && action.kind() != ConversationAction.Kind.DELETION, refuse);
    }

    /** A peer's action: written in the transaction that takes its envelope in, reported after. */
    final class Incoming {
        private final PeerId sender;
        private final ConversationAction action;
        private final boolean ignored;
        private final BiConsumer<PeerId, EnvelopeException> refuse;
        private ConversationRules.Verdict verdict;
        private MessageRecord changed;

        private Incoming(PeerId sender, ConversationAction action, boolean ignored,
                         BiConsumer<PeerId, EnvelopeException> refuse) {
            this.sender = sender;
            this.action = action;
            this.ignored = ignored;
            this.refuse = refuse;
        }

        void write(Connection connection) throws SQLException {
            if (ignored) {
                return;
            }
            MessageId target = MessageId.of(action.target());
            Optional<MessageRows.StoredMessage> stored = find(connection, sender, target);
            Optional<PeerId> author = stored.map(message ->
                    MessageRecord.IN.equals(message.direction()) ? sender : self.peerId());
            verdict = ledger.apply(connection, ConversationRows.direct(sender.toString()), action, sender, author,
                    stored.isPresent() ? eraser(stored.get()) : ignoredConnection -> { });
            if (verdict == ConversationRules.Verdict.APPLY) {
                changed = history.toRecord(connection, find(connection, sender, target).orElseThrow());
            }
        }

        /** After the commit, on the loop: watchers hear of the change; a forged one costs its sender. */
        void committed() {
            if (ignored) {
                LOG.fine(() -> "ignored a " + action.kind() + " from a stranger, " + sender.shortForm());
            } else if (verdict == ConversationRules.Verdict.APPLY) {
                events.messageChanged(changed);
            } else if (verdict != null && verdict.misbehaved()) {
                refuse.accept(sender, new EnvelopeException(Misbehaviour.NOT_ALLOWED,
                        action.kind() + " of a message it did not write"));
            } else {
                LOG.fine(() -> "a " + action.kind() + " from " + sender.shortForm() + " changed nothing: " + verdict);
            }
        }

        ConversationRules.Verdict verdict() {
            return verdict;
        }
    }

    private static Optional<MessageRows.StoredMessage> find(Connection connection, PeerId peer, MessageId id)
            throws SQLException {
        return MessageRows.find(connection, id.bytes()).filter(message -> message.peerId().equals(peer.toString()));
    }

    /** Replaces a deleted message's body with a sealed empty text, at its place. */
    private ConversationLedger.Eraser eraser(MessageRows.StoredMessage stored) {
        return connection -> ConversationRows.replaceMessageBody(connection, stored.id(), cipher.seal(new byte[0],
                History.bodyContext(MessageId.of(stored.id()), stored.peerId(), stored.direction())));
    }

    private static <T> CompletableFuture<T> failed(MessagingException.Reason reason, String message) {
        return CompletableFuture.failedFuture(new MessagingException(reason, message));
    }
}
