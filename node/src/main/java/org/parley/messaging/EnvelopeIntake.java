package org.parley.messaging;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.link.Neighbours;
import org.parley.proto.wire.v1.Content;
import org.parley.proto.wire.v1.RatchetMessage;
import org.parley.proto.wire.v1.Receipts;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;
import org.parley.store.ContentCipher;
import org.parley.store.ConversationRows;
import org.parley.store.MessageRows;

/**
 * Takes in envelopes, from a link or from a mailbox replica: checked (possibly off the loop),
 * refused, deduplicated, decrypted, then committed with the session's new state and the dedupe
 * record in one transaction; only then are texts shown, receipts acknowledged and sent, and group
 * control handed on.
 */
final class EnvelopeIntake {
    private static final Logger LOG = Logger.getLogger(EnvelopeIntake.class.getName());

    private final Identity self;
    private final Neighbours neighbours;
    private final Sessions sessions;
    private final SessionStorage sessionStorage;
    private final Contacts contacts;
    private final ReceiptQueue receipts;
    private final OutboxRunner outbox;
    private final ContentCipher cipher;
    private final Scheduler loop;
    private final Clock clock;
    private final MessagingConfig config;
    private final MessagingEvents events;
    private final List<GroupSignalListener> groupSignalListeners;
    private final Sealing sealing;
    private final DirectActions actions;
    private final Signals signals;
    private final Map<ByteString, SeenEnvelope> seen = new HashMap<>();
    private final MessageRequests requests = new MessageRequests(RequestLimits.defaults());
    /** Checks inbound envelopes before anything else is done with them: inline unless the node says otherwise. */
    private EnvelopeVerifier verifier = EnvelopeVerifier.INLINE;
    /** Where offers of files go; null on a node that takes no files (their messages are kept as text). */
    private FileOfferIntake fileOffers;

    /** A taken-in envelope, until it expires: whose it was and which message it carried. */
    private record SeenEnvelope(PeerId sender, MessageId messageId, long expiresAtMillis) {
    }

    /** A unit of storage work that must not be split. */
    private interface Rows {
        void write(Connection connection) throws SQLException;
    }

    EnvelopeIntake(Identity self, Neighbours neighbours, Sessions sessions, SessionStorage sessionStorage,
                   Contacts contacts, ReceiptQueue receipts, OutboxRunner outbox, ContentCipher cipher, Scheduler loop,
                   Clock clock, MessagingConfig config, MessagingEvents events,
                   List<GroupSignalListener> groupSignalListeners, Sealing sealing, DirectActions actions,
                   Signals signals) {
        this.self = self;
        this.neighbours = neighbours;
        this.sessions = sessions;
        this.sessionStorage = sessionStorage;
        this.contacts = contacts;
        this.receipts = receipts;
        this.outbox = outbox;
        this.cipher = cipher;
        this.loop = loop;
        this.clock = clock;
        this.config = config;
        this.events = events;
        this.groupSignalListeners = groupSignalListeners;
        this.sealing = sealing;
        this.actions = actions;
        this.signals = signals;
    }

    void verifyWith(EnvelopeVerifier envelopeVerifier) {
        this.verifier = envelopeVerifier;
    }

    void limitRequests(RequestLimits limits) {
        requests.limitTo(limits);
    }

    /** The user accepted {@code peer}: its requests it may now learn we received. */
    void requestsAccepted(PeerId peer, List<MessageId> ids) {
        requests.accepted(peer);
        ids.forEach(id -> receipts.acknowledge(peer, id));
    }

    /** Loads the dedupe records that have not expired. */
    void load(Connection connection, long nowMillis) throws SQLException {
        for (MessageRows.SeenEnvelope envelope : MessageRows.seenUnexpired(connection, nowMillis)) {
            PeerId sender = StoredPeers.parse(envelope.sender());
            seen.put(ByteString.copyFrom(envelope.envelopeId()), new SeenEnvelope(sender,
                    envelope.messageId() == null ? null : MessageId.of(envelope.messageId()),
                    envelope.expiresMillis()));
        }
        for (MessageRows.StoredRequest request : MessageRows.requests(connection)) {
            requests.restore(MessageId.of(request.id()), StoredPeers.parse(request.peerId()), request.bodyBytes());
        }
    }

    /**
     * Has the envelope checked (possibly off the loop), then takes in what verified. The stage
     * completes once it is committed, refused or known already; exceptionally when it was
     * dropped unread, so a replica keeps it. {@code relayed}: it came from a mailbox replica.
     */
    CompletableFuture<Void> takeIn(PeerId from, org.parley.proto.wire.v1.WireEnvelope proto, boolean relayed) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        verifier.verify(from, proto, clock.nowMillis(), sealing::check, check -> {
            if (check == null) {
                LOG.fine(() -> "dropped an envelope via " + from.shortForm() + ": verification is behind");
                done.completeExceptionally(new MessagingException(MessagingException.Reason.BUSY, "too many envelopes wait for verification"));
                return;
            }
            takeChecked(from, check, relayed).whenComplete((ignored, error) -> {
                if (error != null) {
                    done.completeExceptionally(error);
                } else {
                    done.complete(null);
                }
            });
        });
        return done;
    }

    /**
     * Takes in a checked envelope, on the loop: refused, deduplicated, then decrypted and
     * committed. Who answers for a bad envelope: the link it came on, when it came directly; its
     * proved sender (signed, or sealed and bound to the pair address), when a mailbox replica
     * carried it, for a replica cannot read what it holds and a stranger could otherwise have us
     * ban our own replicas with junk; nobody, when a replica carried one that names no proved
     * sender (the mailbox layer judges its replicas' hand-overs). A peer that is not our contact
     * must have paid the first-contact work, checked before the ratchet or the history is touched.
     */
    private CompletableFuture<Void> takeChecked(PeerId from, EnvelopeCheck check, boolean relayed) {
        CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
        Envelope envelope = check.envelope();
        try {
            if (check.refusal() != null) {
                throw check.refusal();
            }
            if (!envelope.recipient().equals(self.peerId())) {
                throw new EnvelopeException(Misbehaviour.NOT_FOR_US, "envelope for " + envelope.recipient());
            }
        } catch (EnvelopeException e) {
            if (relayed) {
                LOG.fine(() -> "dropped an envelope a replica handed over: " + e.getMessage());
            } else {
                refuse(from, e);
            }
            return done;
        }
        PeerId sender = envelope.sender();
        PeerId answerable = relayed ? sender : from;
        if (contacts.isBlocked(sender)) {
            contacts.countRefused(sender, Misbehaviour.BLOCKED);
            return done;
        }
        if (!check.paid() && !contacts.isKnown(sender)) {
            refuse(answerable, new EnvelopeException(Misbehaviour.UNPAID,
                    "a first contact without " + sealing.stampBits() + " bits of work"));
            return done;
        }
        ByteString envelopeId = ByteString.copyFrom(check.id());
        SeenEnvelope earlier = seen.get(envelopeId);
        if (earlier != null) {
            if (!relayed) {
                // Every replica holds a copy: a second one from the mailbox is no replay.
                refuse(from, new EnvelopeException(Misbehaviour.REPLAYED, "envelope seen before"));
            }
            if (earlier.messageId() != null && contacts.isKnown(sender)) {
                // Probably a resend after our receipt was lost: acknowledge again (a stranger
                // learns nothing until the user accepts it).
                receipts.acknowledge(sender, earlier.messageId());
            }
            return done;
        }
        Sessions.Decrypted decrypted;
        Content content;
        try {
            RatchetMessage message = RatchetMessage.parseFrom(envelope.payload());
            if (message.hasReceipts()) {
                return takeSignedReceipts(answerable, envelopeId, envelope, message);
            }
            decrypted = sessions.decrypt(sender, message);
            content = Content.parseFrom(decrypted.plaintext());
        } catch (InvalidProtocolBufferException e) {
            refuse(answerable, new EnvelopeException(Misbehaviour.MALFORMED, "unparseable payload"));
            return done;
        } catch (EnvelopeException e) {
            refuse(answerable, e);
            return done;
        }
        return switch (content.getBodyCase()) {
            case TEXT -> takeText(sender, envelopeId, envelope, content, decrypted.change());
            case RECEIPTS -> takeReceipts(sender, envelopeId, envelope, content.getReceipts(), decrypted.change());
            case GROUP_SIGNAL -> remember(sender, envelopeId, envelope, null, decrypted.change(), connection -> { })
                    .thenRun(() -> groupSignalListeners.forEach(listener ->
                            listener.groupSignalReceived(sender, content.getGroupSignal().toByteArray(), relayed)));
            case CONVERSATION_ACTION -> takeAction(sender, envelopeId, envelope, content, decrypted.change());
            case READ_RECEIPT -> takeReadReceipt(sender, envelopeId, envelope, content, decrypted.change());
            // Never stored: only the session's new state and the dedupe record are.
            case TYPING -> remember(sender, envelopeId, envelope, null, decrypted.change(), connection -> { })
                    .thenRun(() -> signals.typingSignals().heard(sender, content.getTyping().getActive(), relayed));
            default -> {
                refuse(answerable, new EnvelopeException(Misbehaviour.MALFORMED, "content of unknown type"));
                yield remember(sender, envelopeId, envelope, null, decrypted.change(), connection -> { });
            }
        };
    }

    private CompletableFuture<Void> takeText(PeerId sender, ByteString envelopeId, Envelope envelope,
                                             Content content, Sessions.Changed change) {
        InboundText inbound;
        try {
            inbound = InboundText.of(content, config.maxTextBytes());
        } catch (EnvelopeException e) {
            refuse(sender, e);
            return remember(sender, envelopeId, envelope, null, change, connection -> { });
        }
        MessageId id = inbound.id();
        String text = inbound.text();
        Annotations annotations = inbound.annotations();
        long receivedAt = clock.nowMillis();
        boolean request = !contacts.isKnown(sender);
        MessageRecord record = new MessageRecord(id, MessageRecord.IN, sender, text, content.getSentAtMs(), receivedAt,
                MessageRecord.RECEIVED, null, request, 0, annotations);
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        long sealedBytes = body.length + ContentCipher.OVERHEAD;
        MessageRequests.Admission admission = request ? requests.admit(sender, sealedBytes)
                : new MessageRequests.Admission(false, List.of());
        if (admission.refused()) {
            // Over this stranger's quota: the ratchet moved on and the envelope is remembered, but
            // the text is not kept and never acknowledged.
            LOG.fine(() -> "refused a message request from " + sender.shortForm() + ": over its quota");
            return remember(sender, envelopeId, envelope, null, change, connection -> { });
        }
        boolean[] inserted = new boolean[1];
        DirectActions.Released[] released = {DirectActions.Released.NONE};
        return remember(sender, envelopeId, envelope, id, change, connection -> {
            inserted[0] = MessageRows.insertIfAbsent(connection, new MessageRows.StoredMessage(0, id.bytes(),
                    sender.toString(), MessageRecord.IN, cipher.seal(body, History.bodyContext(id, sender.toString(), MessageRecord.IN)),
                    content.getSentAtMs(), receivedAt, MessageRecord.RECEIVED, null, request));
            if (inserted[0] && annotations.replyTo() != null) {
                ConversationRows.putReply(connection, ConversationRows.direct(sender.toString()), id.bytes(),
                        content.getReplyTo().toByteArray());
            }
            if (inserted[0] && !admission.dropped().isEmpty()) {
                MessageRows.dropRequests(connection, admission.dropped().stream().map(MessageId::bytes).toList());
            }
            if (inserted[0] && content.hasFile() && fileOffers != null) {
                fileOffers.store(connection, sender, id, content.getFile(), request, receivedAt);
            }
            if (inserted[0]) {
                released[0] = actions.releaseHeld(connection, sender, id);
            }
        }).thenRun(() -> {
            if (inserted[0] && content.hasFile() && fileOffers != null) {
                fileOffers.stored(sender, id, content.getFile(), request);
            }
            if (inserted[0]) {
                if (request) {
                    requests.stored(id, sender, sealedBytes, admission.dropped());
                }
                events.messageAdded(released[0].changed().orElse(record));
                if (released[0].misbehaved()) {
                    refuse(sender, new EnvelopeException(Misbehaviour.NOT_ALLOWED,
                            "a held change of a message it did not write"));
                }
            }
            if (!request) {
                // A stranger is not told that we are online and took its message; accepting it
                // as a contact sends the receipts.
                receipts.acknowledge(sender, id);
            }
        });
    }

    /** A reaction, edit or deletion: judged and written with the envelope's dedupe record and session state. */
    private CompletableFuture<Void> takeAction(PeerId sender, ByteString envelopeId, Envelope envelope,
                                               Content content, Sessions.Changed change) {
        DirectActions.Incoming incoming;
        try {
            incoming = actions.incoming(sender, content, this::refuse);
        } catch (EnvelopeException e) {
            refuse(sender, e);
            return remember(sender, envelopeId, envelope, null, change, connection -> { });
        }
        // Remembered with the action's ID: a resend (our receipt was lost) is acknowledged again.
        return remember(sender, envelopeId, envelope, incoming.id(), change, incoming::write).thenRun(() -> {
            incoming.committed();
            if (incoming.acknowledged()) {
                receipts.acknowledge(sender, incoming.id());
            }
        });
    }

    /** A read receipt: the peer's read mark moves with the envelope's dedupe record and session state. */
    private CompletableFuture<Void> takeReadReceipt(PeerId sender, ByteString envelopeId, Envelope envelope,
                                                    Content content, Sessions.Changed change) {
        ReadReceipts.Incoming incoming;
        try {
            incoming = signals.reads().incoming(sender, content.getReadReceipt());
        } catch (EnvelopeException e) {
            refuse(sender, e);
            return remember(sender, envelopeId, envelope, null, change, connection -> { });
        }
        return remember(sender, envelopeId, envelope, null, change, incoming::write).thenRun(incoming::committed);
    }

    /** Takes in receipts that came outside the ratchet: only signed, and nothing else in the payload. */
    private CompletableFuture<Void> takeSignedReceipts(PeerId answerable, ByteString envelopeId, Envelope envelope,
                                                       RatchetMessage message) {
        RatchetMessage receiptsOnly = RatchetMessage.newBuilder().setReceipts(message.getReceipts()).build();
        if (!message.equals(receiptsOnly)) {
            refuse(answerable, new EnvelopeException(Misbehaviour.MALFORMED, "receipts mixed with a ratchet message"));
            return CompletableFuture.completedFuture(null);
        }
        return takeReceipts(envelope.sender(), envelopeId, envelope, message.getReceipts(), null);
    }

    /** Marks acknowledged messages delivered; {@code change} is the session's, or null outside the ratchet. */
    private CompletableFuture<Void> takeReceipts(PeerId sender, ByteString envelopeId, Envelope envelope,
                                                 Receipts receipts, Sessions.Changed change) {
        long now = clock.nowMillis();
        List<MessageId> ids = new ArrayList<>();
        for (ByteString raw : receipts.getMessageIdsList()) {
            if (raw.size() == MessageId.SIZE) {
                ids.add(MessageId.of(raw.toByteArray()));
            }
        }
        List<OutboxItem> delivered = outbox.acknowledged(sender, ids);
        return remember(sender, envelopeId, envelope, null, change,
                connection -> OutboxRunner.storeDelivered(connection, delivered, now))
                .thenRun(() -> outbox.delivered(sender, delivered, now));
    }

    /**
     * Commits, in one transaction, the session's new state (if the envelope went through the
     * ratchet: {@code change} not null), the dedupe record of the envelope and whatever else
     * taking it in changes; the returned stage runs on the loop after the commit.
     */
    private CompletableFuture<Void> remember(PeerId sender, ByteString envelopeId, Envelope envelope,
                                             MessageId messageId, Sessions.Changed change, Rows rows) {
        seen.put(envelopeId, new SeenEnvelope(sender, messageId, envelope.expiresAtMillis()));
        CompletableFuture<Void> committed = new CompletableFuture<>();
        sessionStorage.submitWith(sessionStorage.snapshot(change), connection -> {
            MessageRows.remember(connection, new MessageRows.SeenEnvelope(envelopeId.toByteArray(), sender.toString(),
                    messageId == null ? null : messageId.bytes(), envelope.expiresAtMillis()));
            rows.write(connection);
            return null;
        }).whenCompleteAsync((ignored, error) -> {
            if (error != null) {
                LOG.log(Level.SEVERE, "could not store an incoming envelope", error);
                seen.remove(envelopeId);
                committed.completeExceptionally(error);
            } else {
                committed.complete(null);
            }
        }, loop);
        return committed;
    }

    /** Offers of files that come with messages go to {@code intake}; set before the loop serves anything. */
    void takeFileOffersWith(FileOfferIntake intake) {
        this.fileOffers = intake;
    }

    /** Counts the refusal against {@code from} and penalises it as the rejection says. */
    void refuse(PeerId from, EnvelopeException reason) {
        LOG.fine(() -> "refused an envelope via " + from.shortForm() + ": " + reason.getMessage());
        contacts.countRefused(from, reason.rejection());
        if (reason.rejection() == Misbehaviour.UNSUPPORTED_VERSION) {
            // A newer node than we are, or one that did not hear our Hello yet: refused, not
            // scored (decision 0047). Its sender re-seals once it hears which versions we read.
            return;
        }
        neighbours.penalize(from, reason.rejection(), "envelope: " + reason.getMessage());
    }
}
