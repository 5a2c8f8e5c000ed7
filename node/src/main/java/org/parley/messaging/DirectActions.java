package org.parley.messaging;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.proto.wire.v1.Content;
import org.parley.runtime.Clock;
import org.parley.store.ContentCipher;
import org.parley.store.ConversationRows;
import org.parley.store.MessageRows;

/**
 * Reactions, edits and deletions of direct messages: ours, applied to our copy and queued in the
 * outbox with the messages (in the same transaction, so they are sent in order, retried until the
 * peer's receipt, carried by its mailboxes and kept across restarts), and the peer's, judged by
 * {@link ConversationRules} against what we hold, in the transaction that takes their envelope in.
 * A peer's action on a message we do not hold yet is held ({@link HeldActions}) and judged when the
 * message comes. A message request's sender may delete its messages but not edit them or react:
 * that would let a stranger grow what it stores here past its quota. Confined to the loop.
 */
final class DirectActions {
    private static final Logger LOG = Logger.getLogger(DirectActions.class.getName());

    private final Identity self;
    private final OutboxRunner outbox;
    private final ContentCipher cipher;
    private final History history;
    private final Contacts contacts;
    private final MessagingConfig config;
    private final MessagingEvents events;
    private final LongSupplier nextSentAt;
    private final SecureRandom random;
    private final ConversationLedger ledger;
    private final HeldActions held;
    private final Clock clock;

    DirectActions(Identity self, OutboxRunner outbox, ContentCipher cipher, History history, Contacts contacts,
                  Clock clock, MessagingConfig config,
                  MessagingEvents events, LongSupplier nextSentAt, SecureRandom random) {
        this.self = self;
        this.outbox = outbox;
        this.clock = clock;
        this.cipher = cipher;
        this.history = history;
        this.contacts = contacts;
        this.config = config;
        this.events = events;
        this.nextSentAt = nextSentAt;
        this.random = random;
        this.ledger = new ConversationLedger(cipher);
        this.held = new HeldActions(cipher, ledger);
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
        long order = nextSentAt.getAsLong();
        MessageId actionId = MessageId.random(random);
        ConversationAction action = new ConversationAction(kind, target.bytes(), value, order, actionId.bytes());
        byte[] content = Content.newBuilder()
                .setMessageId(ByteString.copyFrom(actionId.bytes()))
                .setSentAtMs(order)
                .setConversationAction(action.toProto())
                .build().toByteArray();
        return outbox.acceptAction(peer, actionId, content, order, order + config.lifetime().toMillis(), connection -> {
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
        }).thenApply(record -> {
            events.messageChanged(record);
            return record;
        });
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
        private boolean heldBack;

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
            String conversation = ConversationRows.direct(sender.toString());
            if (stored.isEmpty()) {
                // Perhaps overtaken by its message, which is still on its way: judged when it comes.
                heldBack = held.hold(connection, conversation, action, sender, clock.nowMillis());
                verdict = ConversationRules.Verdict.UNKNOWN_TARGET;
                return;
            }
            verdict = ledger.apply(connection, conversation, action, sender, author, eraser(stored.get()));
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
            } else if (heldBack) {
                LOG.fine(() -> "holding a " + action.kind() + " from " + sender.shortForm() + " until its message comes");
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

        /** The action's ID, which its receipt names. */
        MessageId id() {
            return MessageId.of(action.actionId());
        }

        /** Whether the sender may learn that we took it: not a stranger, until the user accepts it. */
        boolean acknowledged() {
            return contacts.isKnown(sender);
        }
    }

    /**
     * Applies the actions held for {@code message}, just stored from {@code sender}; the message
     * as now shown if any changed it. Runs in the transaction that stores the message.
     */
    Released releaseHeld(Connection connection, PeerId sender, MessageId message) throws SQLException {
        MessageRows.StoredMessage stored = find(connection, sender, message).orElseThrow();
        List<ConversationRules.Verdict> verdicts = held.release(connection,
                ConversationRows.direct(sender.toString()), message.bytes(), sender, eraser(stored), clock.nowMillis());
        return new Released(verdicts.contains(ConversationRules.Verdict.APPLY)
                ? Optional.of(history.toRecord(connection, find(connection, sender, message).orElseThrow()))
                : Optional.empty(), verdicts.stream().anyMatch(ConversationRules.Verdict::misbehaved));
    }

    /**
     * What the held actions did to a message: it as now shown if any changed it, and whether one
     * was not its sender's to make (counted against the sender as if it had just come).
     */
    record Released(Optional<MessageRecord> changed, boolean misbehaved) {
        static final Released NONE = new Released(Optional.empty(), false);
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
