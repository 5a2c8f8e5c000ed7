package org.parley.messaging;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.Neighbours;
import org.parley.proto.wire.v1.Content;
import org.parley.proto.wire.v1.Frame;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;
import org.parley.store.ActionOutboxRows;
import org.parley.store.ContentCipher;
import org.parley.store.ConversationRows;
import org.parley.store.Database;
import org.parley.store.MessageRows;
import org.parley.store.SealedPlaces;

/**
 * Runs the {@link Outbox} state machine (messages, and our reactions, edits and deletions): feeds it events with the facts it needs (can the peer's
 * session encrypt, is the peer linked, the time), and performs the actions it asks for with the
 * ratchet, the disk and the links. A ratchet's new state is committed before anything it
 * encrypted leaves the node.
 */
final class OutboxRunner implements RelayableOutbox {
    private static final Logger LOG = Logger.getLogger(OutboxRunner.class.getName());

    private final Identity self;
    private final Neighbours neighbours;
    private final Sessions sessions;
    private final SessionStorage sessionStorage;
    private final Courier courier;
    private final ContentCipher cipher;
    private final Scheduler loop;
    private final Clock clock;
    private final MessagingConfig config;
    private final BooleanSupplier stopped;
    private final MessagingEvents events;
    private final Outbox outbox;

    OutboxRunner(Identity self, Neighbours neighbours, Sessions sessions, SessionStorage sessionStorage,
                 Courier courier, ContentCipher cipher, Scheduler loop, Clock clock, MessagingConfig config,
                 BooleanSupplier stopped, MessagingEvents events) {
        this.self = self;
        this.neighbours = neighbours;
        this.sessions = sessions;
        this.sessionStorage = sessionStorage;
        this.courier = courier;
        this.cipher = cipher;
        this.loop = loop;
        this.clock = clock;
        this.config = config;
        this.stopped = stopped;
        this.events = events;
        this.outbox = new Outbox(config.sendWindow(), config.retryInterval().toMillis());
    }

    /**
     * Puts an accepted message into the outbox, sealed at once if there is a session; the future
     * completes once its row (and envelope) is committed.
     */
    CompletableFuture<MessageRecord> accept(MessageRecord record, byte[] content, long expiresAtMillis) {
        PeerId peer = record.peer();
        Optional<Sealed> sealed = sealIfPossible(peer, content, expiresAtMillis);
        OutboxItem item = outbox.accept(record, false, content, expiresAtMillis, sealed.isPresent());
        MessageId id = record.id();
        byte[] body = record.text().getBytes(StandardCharsets.UTF_8);
        CompletableFuture<MessageRecord> accepted = new CompletableFuture<>();
        // Signing and sealing at rest happen with the storage work, off the loop on the real node.
        sessionStorage.submitWith(sealed.map(Sealed::session).orElse(null), connection -> {
            byte[] envelope = sealed.map(Sealed::sign).orElse(null);
            MessageRows.insert(connection, new MessageRows.StoredMessage(0, id.bytes(), peer.toString(),
                    MessageRecord.OUT, cipher.seal(body, History.bodyContext(id, peer.toString(), MessageRecord.OUT)), record.sentAtMillis(), null,
                    DeliveryState.PENDING.stored(), null, false));
            MessageRows.enqueue(connection, id.bytes(), peer.toString(), envelope, expiresAtMillis);
            if (record.annotations().replyTo() != null) {
                ConversationRows.putReply(connection, ConversationRows.direct(peer.toString()), id.bytes(),
                        MessageId.parse(record.annotations().replyTo()).bytes());
            }
            return envelope;
        }).whenCompleteAsync((envelope, error) -> {
            if (error != null) {
                outbox.storeFailed(item);
                LOG.log(Level.SEVERE, "could not store an outgoing message", error);
                accepted.completeExceptionally(new MessagingException("could not store the message: "
                        + error.getMessage()));
                return;
            }
            events.messageAdded(record);
            accepted.complete(record);
            // No session when it was accepted: one may have started while it was being stored.
            perform(outbox.stored(item, envelope, canSeal(peer), canSend(peer)));
        }, loop);
        return accepted;
    }

    /**
     * Puts one of our reactions, edits or deletions into the outbox, behind the peer's messages
     * accepted before it, in the transaction of {@code rows} (which judges and applies it to our
     * copy, and may refuse it by throwing). It is sealed after the commit, never before: a refused
     * action must not have moved the ratchet. The future completes with what {@code rows} returned
     * once committed.
     */
    <T> CompletableFuture<T> acceptAction(PeerId peer, MessageId actionId, byte[] content, long sentAtMillis,
                                          long expiresAtMillis, Database.Work<T> rows) {
        MessageRecord stand = new MessageRecord(actionId, MessageRecord.OUT, peer, "", sentAtMillis, null,
                MessageRecord.PENDING, null, false);
        OutboxItem item = outbox.accept(stand, true, content, expiresAtMillis, false);
        CompletableFuture<T> accepted = new CompletableFuture<>();
        sessionStorage.submitWith(null, connection -> {
            T value = rows.run(connection);
            ActionOutboxRows.insert(connection, new ActionOutboxRows.Entry(actionId.bytes(), peer.toString(),
                    cipher.seal(content, SealedPlaces.outgoingAction(actionId.bytes(), peer.toString())), sentAtMillis,
                    null, expiresAtMillis, DeliveryState.PENDING.stored(), 0));
            return value;
        }).whenCompleteAsync((value, error) -> {
            if (error != null) {
                outbox.storeFailed(item);
                accepted.completeExceptionally(error);
                return;
            }
            accepted.complete(value);
            perform(outbox.stored(item, null, canSeal(peer), canSend(peer)));
        }, loop);
        return accepted;
    }

    /** A message changed (edited, reacted to): if it is still in the outbox, its later updates show it so. */
    void shownAs(MessageRecord shown) {
        outbox.shownAs(shown);
    }

    /** Seals what waited for a session and sends what the window has room for. */
    void flush(PeerId peer) {
        perform(outbox.flush(peer, canSeal(peer), canSend(peer)));
    }

    /**
     * A new link: everything unacknowledged goes again, for the old link may have lost it; what
     * was sealed in a version the peer does not read ({@code reads}) is sealed again first.
     */
    void linkUp(PeerId peer, java.util.function.IntPredicate reads) {
        if (!stopped.getAsBoolean()) {
            perform(outbox.linkUp(peer, canSeal(peer), envelope -> reads.test(versionOf(envelope))));
        }
    }

    private static int versionOf(byte[] envelope) {
        try {
            return org.parley.proto.wire.v1.WireEnvelope.parseFrom(envelope).getVersion();
        } catch (InvalidProtocolBufferException e) {
            return -1;
        }
    }

    /** The retry timer's turn: expiry, resending, sealing. */
    void tick() {
        perform(outbox.tick(clock.nowMillis(), this::canSeal, this::canSend));
    }

    /** Which messages named in a receipt from {@code peer} it confirms. */
    List<OutboxItem> acknowledged(PeerId peer, Collection<MessageId> ids) {
        return outbox.acknowledged(peer, ids);
    }

    /** Writes the delivered state of {@code items}, inside the transaction that takes their receipt in. */
    static void storeDelivered(Connection connection, List<OutboxItem> items, long nowMillis) throws SQLException {
        for (OutboxItem item : items) {
            if (item.carriesAction()) {
                ActionOutboxRows.remove(connection, item.id().bytes());
                continue;
            }
            MessageRows.updateState(connection, item.id().bytes(), DeliveryState.DELIVERED.stored(), null, nowMillis);
            MessageRows.dequeue(connection, item.id().bytes());
        }
    }

    /** The receipt for {@code items} is committed. */
    void delivered(PeerId peer, List<OutboxItem> items, long nowMillis) {
        perform(outbox.delivered(peer, items, nowMillis, canSend(peer)));
    }

    @Override
    public List<RelayItem> awaitingRelay() {
        List<RelayItem> items = new ArrayList<>();
        for (OutboxItem item : outbox.awaitingRelay(this::isLinked)) {
            try {
                items.add(new RelayItem(item.id(), item.peer(),
                        org.parley.proto.wire.v1.WireEnvelope.parseFrom(item.envelope())));
            } catch (InvalidProtocolBufferException e) {
                LOG.severe("a stored envelope does not parse; it cannot be relayed");
            }
        }
        return items;
    }

    @Override
    public void relayed(PeerId peer, MessageId id, int replicas) {
        perform(outbox.relayed(peer, id, replicas));
    }

    Outbox outbox() {
        return outbox;
    }

    /**
     * Loads the outboxes of messages and of actions, in the order they were accepted (their send
     * times, which the composer keeps strictly increasing); returns the latest send time in them.
     */
    long load(Connection connection) throws SQLException {
        List<Restored> restored = new ArrayList<>();
        ConversationLedger ledger = new ConversationLedger(cipher);
        for (MessageRows.OutboxEntry entry : MessageRows.outbox(connection)) {
            PeerId peer = StoredPeers.parse(entry.peerId());
            MessageId id = MessageId.of(entry.messageId());
            String text = new String(cipher.open(entry.body(), History.bodyContext(id, entry.peerId(), MessageRecord.OUT)), StandardCharsets.UTF_8);
            Content.Builder rebuilt = Content.newBuilder().setMessageId(ByteString.copyFrom(id.bytes()))
                    .setSentAtMs(entry.sentMillis()).setText(text);
            String conversation = ConversationRows.direct(entry.peerId());
            ConversationRows.replyTo(connection, conversation, id.bytes())
                    .ifPresent(replyTo -> rebuilt.setReplyTo(ByteString.copyFrom(replyTo)));
            ConversationLedger.Shown shown = ledger.shown(connection, conversation, id.bytes(), text);
            MessageRecord record = new MessageRecord(id, MessageRecord.OUT, peer, shown.text(), entry.sentMillis(), null,
                    entry.state(), null, false, entry.replicas(), shown.annotations());
            restored.add(new Restored(record, false, rebuilt.build().toByteArray(), entry.expiresMillis(),
                    entry.envelope()));
        }
        for (ActionOutboxRows.Entry entry : ActionOutboxRows.all(connection)) {
            MessageId id = MessageId.of(entry.actionId());
            byte[] content = cipher.open(entry.content(), SealedPlaces.outgoingAction(entry.actionId(), entry.peerId()));
            MessageRecord stand = new MessageRecord(id, MessageRecord.OUT, StoredPeers.parse(entry.peerId()), "",
                    entry.sentMillis(), null, entry.state(), null, false, entry.replicas());
            restored.add(new Restored(stand, true, content, entry.expiresMillis(), entry.envelope()));
        }
        restored.sort(Comparator.comparingLong(item -> item.record().sentAtMillis()));
        long latestSentAt = 0;
        for (Restored item : restored) {
            if (outbox.restore(item.record(), item.action(), item.content(), item.expiresMillis(), item.envelope()) == null) {
                LOG.warning("ignoring an outbox entry in state " + item.record().state());
            }
            latestSentAt = Math.max(latestSentAt, item.record().sentAtMillis());
        }
        return latestSentAt;
    }

    private record Restored(MessageRecord record, boolean action, byte[] content, long expiresMillis,
                            byte[] envelope) {
    }

    // ---------------------------------------------------------------- performing actions

    private void perform(List<OutboxAction> actions) {
        // After one refusal, the peer's later messages would overtake it: they wait too.
        PeerId unsealable = null;
        PeerId unsent = null;
        for (OutboxAction action : actions) {
            if (action instanceof OutboxAction.Seal seal) {
                OutboxItem item = seal.item();
                if (item.peer().equals(unsealable) || !seal(item)) {
                    unsealable = item.peer();
                    outbox.sealFailed(item);
                }
            } else if (action instanceof OutboxAction.Transmit transmit) {
                OutboxItem item = transmit.item();
                if (item.peer().equals(unsent) || !transmit(item)) {
                    unsent = item.peer();
                    outbox.notSent(item);
                }
            } else if (action instanceof OutboxAction.StoreRelayed relayed) {
                storeRelayed(relayed.item(), relayed.replicas());
            } else if (action instanceof OutboxAction.StoreFailed failed) {
                storeFailed(failed.item(), failed.reason());
            } else if (action instanceof OutboxAction.Announce told) {
                events.messageUpdated(told.record());
            }
        }
    }

    /** Seals the item and stores its envelope; false when the ratchet could not seal it. */
    private boolean seal(OutboxItem item) {
        Optional<Sealed> sealed = sealIfPossible(item.peer(), item.content(), item.expiresAtMillis());
        if (sealed.isEmpty()) {
            return false;
        }
        sessionStorage.submitWith(sealed.get().session(), connection -> {
            byte[] envelope = sealed.get().sign();
            if (item.carriesAction()) {
                ActionOutboxRows.setEnvelope(connection, item.id().bytes(), envelope);
            } else {
                MessageRows.setEnvelope(connection, item.id().bytes(), envelope);
            }
            return envelope;
        }).whenCompleteAsync((envelope, error) -> {
            if (error == null) {
                perform(outbox.sealStored(item, envelope, canSend(item.peer())));
            } else {
                LOG.log(Level.SEVERE, "could not store a sealed message", error);
                outbox.sealFailed(item);
            }
        }, loop);
        return true;
    }

    private boolean transmit(OutboxItem item) {
        try {
            Frame frame = Frame.newBuilder()
                    .setEnvelope(org.parley.proto.wire.v1.WireEnvelope.parseFrom(item.envelope())).build();
            if (neighbours.send(item.peer(), frame)) {
                outbox.sent(item, clock.nowMillis());
                return true;
            }
        } catch (InvalidProtocolBufferException e) {
            LOG.severe("a stored envelope does not parse; it cannot be sent");
        }
        return false;
    }

    private void storeRelayed(OutboxItem item, int replicas) {
        MessageRecord updated = item.record();
        sessionStorage.submitWith(null, connection -> {
            if (item.carriesAction()) {
                ActionOutboxRows.markRelayed(connection, item.id().bytes(), DeliveryState.RELAYED.stored(), replicas);
            } else {
                MessageRows.markRelayed(connection, item.id().bytes(), DeliveryState.RELAYED.stored(), replicas);
            }
            return null;
        }).whenCompleteAsync((ignored, error) -> {
            if (error != null) {
                LOG.log(Level.SEVERE, "could not store a relayed state", error);
            } else if (!item.stage().ended() && !item.carriesAction()) {
                // Not when its receipt came meanwhile: "delivered" was the last word.
                events.messageUpdated(updated);
            }
        }, loop);
    }

    private void storeFailed(OutboxItem item, String reason) {
        MessageRecord failed = item.record();
        if (item.carriesAction()) {
            LOG.warning("a change of a message to " + item.peer().shortForm() + " failed: " + reason);
            sessionStorage.submitWith(null, connection -> {
                ActionOutboxRows.remove(connection, item.id().bytes());
                return null;
            });
            return;
        }
        sessionStorage.submitWith(null, connection -> {
            MessageRows.updateState(connection, item.id().bytes(), DeliveryState.FAILED.stored(), reason, null);
            MessageRows.dequeue(connection, item.id().bytes());
            return null;
        }).whenCompleteAsync((ignored, error) -> events.messageUpdated(failed), loop);
    }

    /**
     * Content encrypted by the ratchet, with the session as it must be stored, and its envelope to
     * be signed: signing waits for the storage work, which runs off the loop.
     */
    private record Sealed(Sealing sealing, PeerId recipient, long createdAtMillis, long expiresAtMillis,
                          byte[] payload, int version, SessionStorage.Snapshot session) {
        byte[] sign() {
            return sealing.seal(recipient, createdAtMillis, expiresAtMillis, payload, version).toByteArray();
        }
    }

    /** Runs content through the ratchet; empty when there is no session for the peer yet. */
    private Optional<Sealed> sealIfPossible(PeerId peer, byte[] content, long expiresAtMillis) {
        if (!sessions.canEncryptFor(peer)) {
            return Optional.empty();
        }
        return courier.encrypt(peer, content).map(result -> new Sealed(courier.sealing(), peer, clock.nowMillis(),
                expiresAtMillis, result.message().toByteArray(), courier.versionFor(peer),
                sessionStorage.snapshot(result.change())));
    }

    private boolean canSeal(PeerId peer) {
        return !stopped.getAsBoolean() && sessions.canEncryptFor(peer);
    }

    /** Whether the outbox may put envelopes on the peer's link now. */
    private boolean canSend(PeerId peer) {
        return !stopped.getAsBoolean() && isLinked(peer);
    }

    private boolean isLinked(PeerId peer) {
        return neighbours.isConnected(peer);
    }
}
