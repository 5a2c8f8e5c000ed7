package org.parley.messaging;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.crypto.X25519;
import org.parley.identity.Identity;
import org.parley.identity.InvalidPeerIdException;
import org.parley.identity.PeerId;
import org.parley.link.LinkEvents;
import org.parley.link.Neighbours;
import org.parley.link.PeerInfo;
import org.parley.proto.wire.v1.Content;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.PrekeyBundle;
import org.parley.proto.wire.v1.RatchetMessage;
import org.parley.proto.wire.v1.Receipts;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;
import org.parley.store.ContentCipher;
import org.parley.store.Database;
import org.parley.store.MessageRows;
import org.parley.store.PeerRows;
import org.parley.store.StorageQueue;

/**
 * Direct messages: the outbox, end-to-end encryption, receipts, contacts and the history.
 *
 * <p>Confined to the node's loop; disk work goes through the {@link StorageQueue} and comes back
 * to the loop. Two rules keep messages from being lost or doubled: a ratchet's new state is
 * committed before anything it encrypted leaves the node, and a receipt goes out only after the
 * message it acknowledges (with the session state and the dedupe record) is committed.
 */
public final class Messenger implements LinkEvents {
    private static final Logger LOG = Logger.getLogger(Messenger.class.getName());

    private final Identity self;
    private final Neighbours neighbours;
    private final StorageQueue storage;
    private final ContentCipher cipher;
    private final Scheduler loop;
    private final Clock clock;
    private final SecureRandom random;
    private final MessagingConfig config;
    private final Sessions sessions;
    private final List<MessagingEvents> listeners = new CopyOnWriteArrayList<>();
    private final List<GroupControlListener> groupControlListeners = new CopyOnWriteArrayList<>();
    private final Map<PeerId, ContactRecord> contacts = new HashMap<>();
    private final Map<PeerId, Map<String, Long>> refused = new HashMap<>();
    private final Map<PeerId, LinkedHashMap<MessageId, OutboxItem>> outbox = new HashMap<>();
    /** Per peer: outbox items sent on the current link and not yet acknowledged. */
    private final Map<PeerId, Integer> inFlight = new HashMap<>();
    private final Map<ByteString, SeenEnvelope> seen = new HashMap<>();
    private final Map<PeerId, LinkedHashSet<MessageId>> pendingReceipts = new HashMap<>();
    /** Per peer: when we last encrypted anything to it, which decides how the next receipt goes. */
    private final Map<PeerId, Long> lastEncryptedTo = new HashMap<>();
    private PrekeyBundle ownBundle;
    private long lastSentAtMillis;
    private Scheduler.Cancellable retryTimer;
    private boolean stopped;
    private boolean rotatingPrekeys;
    /** Where receipts go when their peer has no link: the mailbox replicas, once the node wires them. */
    private Consumer<org.parley.proto.wire.v1.Envelope> offlineCarrier = envelope -> { };
    /** Checks inbound envelopes before anything else is done with them: inline unless the node says otherwise. */
    private EnvelopeVerifier verifier = EnvelopeVerifier.INLINE;

    /** A taken-in envelope, until it expires: whose it was and which message it carried. */
    private record SeenEnvelope(PeerId sender, MessageId messageId, long expiresAtMillis) {
    }

    private Messenger(Identity self, Neighbours neighbours, StorageQueue storage, ContentCipher cipher, Scheduler loop,
                      Clock clock, SecureRandom random, MessagingConfig config) {
        this.self = self;
        this.neighbours = neighbours;
        this.storage = storage;
        this.cipher = cipher;
        this.loop = loop;
        this.clock = clock;
        this.random = random;
        this.config = config;
        this.sessions = new Sessions(self, random);
    }

    /**
     * Loads the messaging state from storage (blocking: call before the loop serves anything),
     * creating our signed prekey on first use.
     */
    public static Messenger open(Identity self, Neighbours neighbours, StorageQueue storage, ContentCipher cipher,
                                 Scheduler loop, Clock clock, SecureRandom random, MessagingConfig config) {
        Messenger messenger = new Messenger(self, neighbours, storage, cipher, loop, clock, random, config);
        messenger.load();
        return messenger;
    }

    public void addListener(MessagingEvents listener) {
        listeners.add(listener);
    }

    /** Receipts for peers without a link are handed to {@code carrier} (the mailbox replicas). */
    public void carryOfflineWith(Consumer<org.parley.proto.wire.v1.Envelope> carrier) {
        this.offlineCarrier = carrier;
    }

    /**
     * Inbound envelopes are checked by {@code verifier} (the real node's checks run off the loop);
     * set before the loop serves anything.
     */
    public void verifyEnvelopesWith(EnvelopeVerifier verifier) {
        this.verifier = verifier;
    }

    public void addGroupControlListener(GroupControlListener listener) {
        groupControlListeners.add(listener);
    }

    /** Our current prekey bundle, as the peer record announces it. */
    public PrekeyBundle ownBundle() {
        return ownBundle;
    }

    /** Starts the periodic resending of envelopes still waiting for their receipt. */
    public void start() {
        scheduleRetry();
    }

    public void stop() {
        stopped = true;
        if (retryTimer != null) {
            retryTimer.cancel();
        }
    }

    // ---------------------------------------------------------------- user requests

    /**
     * Accepts a message for {@code peer}. The future completes once the message is committed to
     * the outbox, so an accepted message survives a crash.
     */
    public CompletableFuture<MessageRecord> send(PeerId peer, String text) {
        if (peer.equals(self.peerId())) {
            return CompletableFuture.failedFuture(new MessagingException("that is your own peer ID"));
        }
        int size = text.getBytes(StandardCharsets.UTF_8).length;
        if (size > config.maxTextBytes()) {
            return CompletableFuture.failedFuture(new MessagingException("message is " + size
                    + " bytes; the limit is " + config.maxTextBytes()));
        }
        if (text.isEmpty()) {
            return CompletableFuture.failedFuture(new MessagingException("message is empty"));
        }
        if (isBlocked(peer)) {
            return CompletableFuture.failedFuture(new MessagingException("peer " + peer + " is blocked"));
        }
        MessageId id = MessageId.random(random);
        long sentAt = nextSentAt();
        byte[] content = Content.newBuilder()
                .setMessageId(ByteString.copyFrom(id.bytes()))
                .setSentAtMs(sentAt)
                .setText(text)
                .build()
                .toByteArray();
        MessageRecord record = new MessageRecord(id, MessageRecord.OUT, peer, text, sentAt, null,
                MessageRecord.PENDING, null, false);
        OutboxItem item = new OutboxItem(record, content, sentAt + config.lifetime().toMillis(), null);
        outbox.computeIfAbsent(peer, p -> new LinkedHashMap<>()).put(id, item);
        Optional<Sealed> sealed = sealIfPossible(item);
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        CompletableFuture<MessageRecord> accepted = new CompletableFuture<>();
        // Signing and sealing at rest happen with the storage work, off the loop on the real node.
        submitWithSession(sealed.map(Sealed::session).orElse(null), connection -> {
            byte[] envelope = sealed.map(Sealed::sign).orElse(null);
            MessageRows.insert(connection, new MessageRows.StoredMessage(0, id.bytes(), peer.toString(),
                    MessageRecord.OUT, cipher.seal(body, bodyContext(id)), sentAt, null, MessageRecord.PENDING, null,
                    false));
            MessageRows.enqueue(connection, id.bytes(), peer.toString(), envelope, item.expiresAtMillis);
            return envelope;
        }).whenCompleteAsync((envelope, error) -> {
            if (error != null) {
                outbox.get(peer).remove(id);
                LOG.log(Level.SEVERE, "could not store an outgoing message", error);
                accepted.completeExceptionally(new MessagingException("could not store the message: "
                        + error.getMessage()));
                return;
            }
            item.envelope = envelope;
            item.committed = true;
            listeners.forEach(listener -> listener.messageAdded(record));
            accepted.complete(record);
            if (item.envelope == null) {
                // No session when it was accepted; one may have started while it was being stored,
                // and a flush then skipped it as uncommitted. Seal it now, or it blocks the queue.
                flush(peer, false);
            } else {
                pump(peer);
            }
        }, loop);
        return accepted;
    }

    /** Up to {@code limit} messages with {@code peer}, oldest first, ending before {@code before}. */
    public CompletableFuture<List<MessageRecord>> history(PeerId peer, int limit, Optional<MessageId> before) {
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

    /** The newest message of each of up to {@code limit} peers who wrote without being a contact, newest first. */
    public CompletableFuture<List<MessageRecord>> messageRequests(int limit) {
        return storage.submit(connection -> {
            List<MessageRecord> records = new ArrayList<>();
            for (MessageRows.StoredMessage stored : MessageRows.latestRequests(connection, limit)) {
                records.add(toRecord(stored));
            }
            return records;
        }).thenApplyAsync(records -> records.stream()
                .filter(record -> !contacts.containsKey(record.peer())).toList(), loop);
    }

    public CompletableFuture<ContactRecord> addContact(PeerId peer, String name) {
        return putContact(peer, name, ContactRecord.CONTACT);
    }

    public CompletableFuture<ContactRecord> block(PeerId peer) {
        ContactRecord existing = contacts.get(peer);
        return putContact(peer, existing != null ? existing.name() : peer.shortForm(), ContactRecord.BLOCKED);
    }

    /** Forgets a contact (its history stays); false when it was not one. */
    public CompletableFuture<Boolean> removeContact(PeerId peer) {
        return storage.submit(connection -> PeerRows.removeContact(connection, peer.toString()))
                .thenApplyAsync(removed -> {
                    contacts.remove(peer);
                    return removed;
                }, loop);
    }

    public List<ContactRecord> contacts() {
        List<ContactRecord> list = new ArrayList<>();
        contacts.values().forEach(contact -> list.add(withCounts(contact)));
        list.sort(java.util.Comparator.comparing(ContactRecord::name).thenComparing(ContactRecord::peer));
        return list;
    }

    /** Envelopes refused from {@code peer}, by reason. */
    public Map<String, Long> refusedFrom(PeerId peer) {
        return Map.copyOf(refused.getOrDefault(peer, Map.of()));
    }

    private CompletableFuture<ContactRecord> putContact(PeerId peer, String name, String status) {
        if (peer.equals(self.peerId())) {
            return CompletableFuture.failedFuture(new MessagingException("that is your own peer ID"));
        }
        long addedAt = Optional.ofNullable(contacts.get(peer)).map(ContactRecord::addedAtMillis)
                .orElse(clock.nowMillis());
        ContactRecord contact = new ContactRecord(peer, name, status, addedAt, Map.of());
        return storage.submit(connection -> {
            PeerRows.putContact(connection, new PeerRows.Contact(peer.toString(), name, status, addedAt));
            if (status.equals(ContactRecord.CONTACT)) {
                MessageRows.acceptRequests(connection, peer.toString());
            }
            return contact;
        }).thenApplyAsync(stored -> {
            contacts.put(peer, stored);
            return withCounts(stored);
        }, loop);
    }

    /**
     * Sends group-layer content to {@code peer} over the pairwise session, now and once: false
     * when there is no link or no way to encrypt for the peer yet. Nothing is queued here; the
     * group layer keeps what must arrive and sends it again until the peer acknowledges it.
     */
    public boolean sendGroupControl(PeerId peer, byte[] control) {
        if (!neighbours.isConnected(peer)) {
            return false;
        }
        return sendGroupControlNowOrOffline(peer, control);
    }

    /**
     * Hands group-layer content for an unlinked {@code peer} to its mailboxes, once: false when
     * there is no way to encrypt for the peer. A member that went away before a key grant reached
     * it finds the grant with its mail, even if the granting member is away by then.
     */
    public boolean carryGroupControl(PeerId peer, byte[] control) {
        if (neighbours.isConnected(peer)) {
            return false;
        }
        return sendGroupControlNowOrOffline(peer, control);
    }

    private boolean sendGroupControlNowOrOffline(PeerId peer, byte[] control) {
        if (stopped || peer.equals(self.peerId()) || !sessions.canEncryptFor(peer)) {
            return false;
        }
        return sendNow(peer, Content.newBuilder()
                .setMessageId(ByteString.copyFrom(MessageId.random(random).bytes()))
                .setSentAtMs(clock.nowMillis())
                .setGroupControl(ByteString.copyFrom(control))
                .build()
                .toByteArray());
    }

    // ---------------------------------------------------------------- link events

    @Override
    public void peerConnected(PeerInfo peer) {
        neighbours.send(peer.peerId(), Frame.newBuilder().setPrekeyBundle(ownBundle).build());
        flush(peer.peerId(), true);
    }

    @Override
    public void frameReceived(PeerId from, Frame frame) {
        switch (frame.getBodyCase()) {
            case PREKEY_BUNDLE -> receiveBundle(from, frame.getPrekeyBundle());
            case ENVELOPE -> receiveEnvelope(from, frame.getEnvelope());
            default -> {
                // Frames of other layers.
            }
        }
    }

    private void receiveBundle(PeerId from, PrekeyBundle bundle) {
        Bundles.Verified verified;
        try {
            verified = Bundles.verify(bundle, from);
        } catch (EnvelopeException e) {
            refuse(from, e);
            return;
        }
        keepBundle(from, bundle, verified);
    }

    /**
     * A bundle from {@code owner}'s signed peer record (found in the DHT), so that messages to a
     * peer we have never been linked with can be sealed while it is away, and relayed. Used only
     * while we hold no bundle of that peer: one it gave us over its own link is fresher.
     */
    public void learnBundleFromRecord(PeerId owner, PrekeyBundle bundle) {
        if (stopped || sessions.hasBundle(owner)) {
            return;
        }
        try {
            keepBundle(owner, bundle, Bundles.verify(bundle, owner));
        } catch (EnvelopeException e) {
            LOG.fine(() -> "a record's bundle of " + owner.shortForm() + " is unusable: " + e.getMessage());
        }
    }

    private void keepBundle(PeerId from, PrekeyBundle bundle, Bundles.Verified verified) {
        if (sessions.putBundle(verified)) {
            storage.submit(connection -> {
                PeerRows.putBundle(connection, new PeerRows.Bundle(from.toString(), bundle.toByteArray()));
                return null;
            }).whenCompleteAsync(logFailure("storing a prekey bundle"), loop);
        }
        flush(from, false);
    }

    private void receiveEnvelope(PeerId from, org.parley.proto.wire.v1.Envelope proto) {
        takeIn(from, proto, false);
    }

    /**
     * Takes in an envelope a mailbox replica held for us. The stage completes once it is committed
     * (or refused, or known already): then the replica may delete it.
     */
    public CompletableFuture<Void> takeRelayed(PeerId replica, org.parley.proto.wire.v1.Envelope proto) {
        return takeIn(replica, proto, true);
    }

    /**
     * Has the envelope checked (possibly off the loop), then takes in what verified. The stage
     * completes once it is committed, refused or known already; exceptionally when it was
     * dropped unread, so a replica keeps it.
     */
    private CompletableFuture<Void> takeIn(PeerId from, org.parley.proto.wire.v1.Envelope proto, boolean relayed) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        verifier.verify(proto, clock.nowMillis(), check -> {
            if (check == null) {
                LOG.fine(() -> "dropped an envelope via " + from.shortForm() + ": verification is behind");
                done.completeExceptionally(new MessagingException("too many envelopes wait for verification"));
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

    /** Takes in a checked envelope, on the loop: refused, deduplicated, then decrypted and committed. */
    private CompletableFuture<Void> takeChecked(PeerId from, EnvelopeCheck check, boolean relayed) {
        CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
        Envelope envelope = check.envelope();
        try {
            if (check.refusal() != null) {
                throw check.refusal();
            }
            if (!envelope.recipient().equals(self.peerId())) {
                throw new EnvelopeException(Rejection.NOT_FOR_US, "envelope for " + envelope.recipient());
            }
        } catch (EnvelopeException e) {
            refuse(from, e);
            return done;
        }
        PeerId sender = envelope.sender();
        if (isBlocked(sender)) {
            count(sender, Rejection.BLOCKED);
            return done;
        }
        ByteString envelopeId = ByteString.copyFrom(check.id());
        SeenEnvelope earlier = seen.get(envelopeId);
        if (earlier != null) {
            if (!relayed) {
                // Every replica holds a copy: a second one from the mailbox is no replay.
                refuse(from, new EnvelopeException(Rejection.REPLAYED, "envelope seen before"));
            }
            if (earlier.messageId() != null) {
                // Probably a resend after our receipt was lost: acknowledge again.
                queueReceipt(sender, earlier.messageId());
            }
            return done;
        }
        Sessions.Decrypted decrypted;
        Content content;
        try {
            RatchetMessage message = RatchetMessage.parseFrom(envelope.payload());
            if (message.hasReceipts()) {
                return receiveSignedReceipts(from, envelopeId, envelope, message);
            }
            decrypted = sessions.decrypt(sender, message);
            content = Content.parseFrom(decrypted.plaintext());
        } catch (InvalidProtocolBufferException e) {
            refuse(from, new EnvelopeException(Rejection.MALFORMED, "unparseable payload"));
            return done;
        } catch (EnvelopeException e) {
            refuse(from, e);
            return done;
        }
        return switch (content.getBodyCase()) {
            case TEXT -> receiveText(sender, envelopeId, envelope, content, decrypted.change());
            case RECEIPTS -> receiveReceipts(sender, envelopeId, envelope, content.getReceipts(), decrypted.change());
            case GROUP_CONTROL -> remember(sender, envelopeId, envelope, null, decrypted.change(), connection -> { })
                    .thenRun(() -> groupControlListeners.forEach(listener ->
                            listener.groupControlReceived(sender, content.getGroupControl().toByteArray())));
            default -> {
                refuse(from, new EnvelopeException(Rejection.MALFORMED, "content of unknown type"));
                yield remember(sender, envelopeId, envelope, null, decrypted.change(), connection -> { });
            }
        };
    }

    private CompletableFuture<Void> receiveText(PeerId sender, ByteString envelopeId, Envelope envelope,
                                                Content content, Sessions.Changed change) {
        MessageId id;
        String text;
        try {
            id = MessageId.of(content.getMessageId().toByteArray());
            text = StandardCharsets.UTF_8.newDecoder().decode(content.getTextBytes().asReadOnlyByteBuffer()).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            refuse(sender, new EnvelopeException(Rejection.MALFORMED, "message without a valid ID or text"));
            return remember(sender, envelopeId, envelope, null, change, connection -> { });
        }
        if (content.getTextBytes().size() > config.maxTextBytes()) {
            refuse(sender, new EnvelopeException(Rejection.TOO_LARGE, "text over the limit"));
            return remember(sender, envelopeId, envelope, null, change, connection -> { });
        }
        long receivedAt = clock.nowMillis();
        boolean request = !contacts.containsKey(sender);
        MessageRecord record = new MessageRecord(id, MessageRecord.IN, sender, text, content.getSentAtMs(), receivedAt,
                MessageRecord.RECEIVED, null, request);
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        boolean[] inserted = new boolean[1];
        return remember(sender, envelopeId, envelope, id, change, connection -> {
            inserted[0] = MessageRows.insertIfAbsent(connection, new MessageRows.StoredMessage(0, id.bytes(),
                    sender.toString(), MessageRecord.IN, cipher.seal(body, bodyContext(id)), content.getSentAtMs(),
                    receivedAt, MessageRecord.RECEIVED, null, request));
        }).thenRun(() -> {
            if (inserted[0]) {
                listeners.forEach(listener -> listener.messageAdded(record));
            }
            queueReceipt(sender, id);
        });
    }

    /** Takes in receipts that came outside the ratchet: only signed, and nothing else in the payload. */
    private CompletableFuture<Void> receiveSignedReceipts(PeerId from, ByteString envelopeId, Envelope envelope,
                                                          RatchetMessage message) {
        RatchetMessage receiptsOnly = RatchetMessage.newBuilder().setReceipts(message.getReceipts()).build();
        if (!message.equals(receiptsOnly)) {
            refuse(from, new EnvelopeException(Rejection.MALFORMED, "receipts mixed with a ratchet message"));
            return CompletableFuture.completedFuture(null);
        }
        return receiveReceipts(envelope.sender(), envelopeId, envelope, message.getReceipts(), null);
    }

    /** Marks acknowledged messages delivered; {@code change} is the session's, or null outside the ratchet. */
    private CompletableFuture<Void> receiveReceipts(PeerId sender, ByteString envelopeId, Envelope envelope,
                                                    Receipts receipts, Sessions.Changed change) {
        long now = clock.nowMillis();
        Map<MessageId, OutboxItem> waiting = outbox.getOrDefault(sender, new LinkedHashMap<>());
        List<OutboxItem> delivered = new ArrayList<>();
        for (ByteString raw : receipts.getMessageIdsList()) {
            if (raw.size() != MessageId.SIZE) {
                continue;
            }
            OutboxItem item = waiting.get(MessageId.of(raw.toByteArray()));
            if (item != null && item.committed && !delivered.contains(item)) {
                delivered.add(item);
            }
        }
        return remember(sender, envelopeId, envelope, null, change, connection -> {
            for (OutboxItem item : delivered) {
                MessageRows.updateState(connection, item.record.id().bytes(), MessageRecord.DELIVERED, null, now);
                MessageRows.dequeue(connection, item.record.id().bytes());
            }
        }).thenRun(() -> {
            for (OutboxItem item : delivered) {
                waiting.remove(item.record.id());
                leaveWindow(sender, item);
                MessageRecord updated = item.record.withState(MessageRecord.DELIVERED, null, now);
                listeners.forEach(listener -> listener.messageUpdated(updated));
            }
            pump(sender);
        });
    }

    /** A unit of storage work that must not be split. */
    private interface Rows {
        void write(java.sql.Connection connection) throws java.sql.SQLException;
    }

    /**
     * Commits, in one transaction, the session's new state (if the envelope went through the
     * ratchet: {@code change} not null), the dedupe record of the envelope and whatever else
     * taking it in changes; the returned stage runs on the loop after the commit.
     */
    private CompletableFuture<Void> remember(PeerId sender, ByteString envelopeId, Envelope envelope,
                                             MessageId messageId, Sessions.Changed change, Rows rows) {
        seen.put(envelopeId, new SeenEnvelope(sender, messageId, envelope.expiresAtMillis()));
        SessionSnapshot session = change == null ? null : snapshot(change);
        CompletableFuture<Void> committed = new CompletableFuture<>();
        submitWithSession(session, connection -> {
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

    // ---------------------------------------------------------------- sending

    /**
     * Seals what waited for a session and sends what the window has room for. After a new link
     * ({@code resendAll}), everything unacknowledged counts as unsent: the old link may have lost it.
     */
    private void flush(PeerId peer, boolean resendAll) {
        LinkedHashMap<MessageId, OutboxItem> items = outbox.get(peer);
        if (items == null || stopped) {
            return;
        }
        if (resendAll) {
            items.values().forEach(item -> item.inFlight = false);
            inFlight.remove(peer);
        }
        for (OutboxItem item : new ArrayList<>(items.values())) {
            if (!item.sealed && item.committed) {
                Optional<Sealed> sealed = sealIfPossible(item);
                if (sealed.isEmpty()) {
                    break; // no session yet: later messages must not overtake this one
                }
                submitWithSession(sealed.get().session(), connection -> {
                    byte[] envelope = sealed.get().sign();
                    MessageRows.setEnvelope(connection, item.record.id().bytes(), envelope);
                    return envelope;
                }).whenCompleteAsync((envelope, error) -> {
                    if (error == null) {
                        item.envelope = envelope;
                        pump(peer);
                    } else {
                        LOG.log(Level.SEVERE, "could not store a sealed message", error);
                    }
                }, loop);
            }
        }
        pump(peer);
    }

    /**
     * Sends, oldest first, the sealed envelopes the peer's window has room for. Nothing overtakes a
     * message that is not sealed and stored yet, so one sender's messages leave in order.
     */
    private void pump(PeerId peer) {
        LinkedHashMap<MessageId, OutboxItem> items = outbox.get(peer);
        if (items == null || stopped || !neighbours.isConnected(peer)) {
            return;
        }
        int sent = inFlight.getOrDefault(peer, 0);
        for (OutboxItem item : items.values()) {
            if (sent >= config.sendWindow()) {
                break;
            }
            if (item.inFlight) {
                continue;
            }
            if (item.envelope == null || !item.committed || !transmit(peer, item)) {
                break;
            }
            item.inFlight = true;
            sent++;
        }
        inFlight.put(peer, sent);
    }

    /** Takes an item that leaves the outbox out of its peer's window. */
    private void leaveWindow(PeerId peer, OutboxItem item) {
        if (item.inFlight) {
            item.inFlight = false;
            inFlight.merge(peer, -1, Integer::sum);
        }
    }

    /**
     * An item's content encrypted by the ratchet, with the session as it must be stored, and its
     * envelope to be signed: signing waits for the storage work, which runs off the loop.
     */
    private record Sealed(Identity sender, PeerId recipient, long createdAtMillis, long expiresAtMillis,
                          byte[] payload, SessionSnapshot session) {
        byte[] sign() {
            return Envelope.create(sender, recipient, createdAtMillis, expiresAtMillis, payload).toProto()
                    .toByteArray();
        }
    }

    /** Runs the item's content through the ratchet, once; empty when there is no session for its peer yet. */
    private Optional<Sealed> sealIfPossible(OutboxItem item) {
        PeerId peer = item.record.peer();
        if (item.sealed || !sessions.canEncryptFor(peer)) {
            return Optional.empty();
        }
        Optional<Sessions.Encrypted> encrypted = encrypt(peer, item.content);
        encrypted.ifPresent(result -> item.sealed = true);
        return encrypted.map(result -> new Sealed(self, peer, clock.nowMillis(), item.expiresAtMillis,
                result.message().toByteArray(), snapshot(result.change())));
    }

    private boolean transmit(PeerId peer, OutboxItem item) {
        if (item.envelope == null || !item.committed || !neighbours.isConnected(peer)) {
            return false;
        }
        try {
            Frame frame = Frame.newBuilder()
                    .setEnvelope(org.parley.proto.wire.v1.Envelope.parseFrom(item.envelope)).build();
            if (neighbours.send(peer, frame)) {
                item.lastSentMillis = clock.nowMillis();
                return true;
            }
        } catch (InvalidProtocolBufferException e) {
            LOG.severe("a stored envelope does not parse; it cannot be sent");
        }
        return false;
    }

    private void queueReceipt(PeerId sender, MessageId id) {
        LinkedHashSet<MessageId> ids = pendingReceipts.computeIfAbsent(sender, p -> new LinkedHashSet<>());
        boolean first = ids.isEmpty();
        ids.add(id);
        if (ids.size() >= config.receiptBatch()) {
            sendReceipts(sender);
        } else if (first) {
            loop.schedule(config.receiptDelay(), () -> sendReceipts(sender));
        }
    }

    /**
     * Sends the receipts waiting for {@code peer}: through the ratchet if nothing has been
     * encrypted to the peer for {@link MessagingConfig#ratchetReceiptAfter()}, so that a
     * conversation going one way still turns it; otherwise, or with no session to encrypt on,
     * only signed.
     */
    private void sendReceipts(PeerId peer) {
        LinkedHashSet<MessageId> ids = pendingReceipts.remove(peer);
        if (ids == null || ids.isEmpty() || stopped) {
            return;
        }
        Receipts.Builder receipts = Receipts.newBuilder();
        ids.forEach(id -> receipts.addMessageIds(ByteString.copyFrom(id.bytes())));
        long now = clock.nowMillis();
        Long lastEncrypted = lastEncryptedTo.get(peer);
        boolean turnTheRatchet = lastEncrypted == null
                || now - lastEncrypted >= config.ratchetReceiptAfter().toMillis();
        if (turnTheRatchet && sendNow(peer, Content.newBuilder()
                .setMessageId(ByteString.copyFrom(MessageId.random(random).bytes()))
                .setSentAtMs(now)
                .setReceipts(receipts)
                .build()
                .toByteArray())) {
            return;
        }
        byte[] payload = RatchetMessage.newBuilder().setReceipts(receipts).build().toByteArray();
        deliver(peer, Envelope.create(self, peer, now, now + config.lifetime().toMillis(), payload).toProto());
    }

    /** Sends an envelope over the peer's link, or, if it has none, through its mailboxes. */
    private void deliver(PeerId peer, org.parley.proto.wire.v1.Envelope envelope) {
        if (neighbours.isConnected(peer)) {
            neighbours.send(peer, Frame.newBuilder().setEnvelope(envelope).build());
        } else {
            offlineCarrier.accept(envelope);
        }
    }

    /** Encrypts for {@code peer}, noting when, for {@link #sendReceipts}. */
    private Optional<Sessions.Encrypted> encrypt(PeerId peer, byte[] content) {
        Optional<Sessions.Encrypted> encrypted = sessions.encrypt(peer, content);
        if (encrypted.isPresent()) {
            lastEncryptedTo.put(peer, clock.nowMillis());
        }
        return encrypted;
    }

    /**
     * Encrypts content that is not kept in the outbox (receipts, group control) and sends it once
     * the session's new state is committed; false when we cannot encrypt for the peer.
     */
    private boolean sendNow(PeerId peer, byte[] content) {
        Optional<Sessions.Encrypted> encrypted = encrypt(peer, content);
        if (encrypted.isEmpty()) {
            return false;
        }
        long now = clock.nowMillis();
        byte[] payload = encrypted.get().message().toByteArray();
        SessionSnapshot session = snapshot(encrypted.get().change());
        // Signed with the storage work, off the loop on the real node.
        submitWithSession(session, connection -> Envelope.create(self, peer, now, now + config.lifetime().toMillis(),
                payload).toProto()).whenCompleteAsync((envelope, error) -> {
            if (error != null) {
                LOG.log(Level.SEVERE, "could not store a session before sending", error);
            } else {
                deliver(peer, envelope);
            }
        }, loop);
        return true;
    }

    private void scheduleRetry() {
        if (stopped) {
            return;
        }
        retryTimer = loop.schedule(config.retryInterval(), () -> {
            retryAndExpire();
            scheduleRetry();
        });
    }

    /** Resends what a connected peer has not acknowledged for a while, seals what waits, fails what has expired. */
    private void retryAndExpire() {
        rotatePrekeysIfDue();
        long now = clock.nowMillis();
        for (Map.Entry<PeerId, LinkedHashMap<MessageId, OutboxItem>> entry : outbox.entrySet()) {
            PeerId peer = entry.getKey();
            for (OutboxItem item : new ArrayList<>(entry.getValue().values())) {
                if (item.expiresAtMillis <= now && item.committed) {
                    fail(peer, item, "expired");
                } else if (item.inFlight && now - item.lastSentMillis >= config.retryInterval().toMillis()) {
                    transmit(peer, item);
                }
            }
            flush(peer, false);
        }
    }

    private void fail(PeerId peer, OutboxItem item, String reason) {
        outbox.get(peer).remove(item.record.id());
        leaveWindow(peer, item);
        storage.submit(connection -> {
            MessageRows.updateState(connection, item.record.id().bytes(), MessageRecord.FAILED, reason, null);
            MessageRows.dequeue(connection, item.record.id().bytes());
            return null;
        }).whenCompleteAsync((ignored, error) -> {
            MessageRecord failed = item.record.withState(MessageRecord.FAILED, reason, null);
            listeners.forEach(listener -> listener.messageUpdated(failed));
        }, loop);
    }

    // ---------------------------------------------------------------- offline delivery

    /**
     * Sealed, stored messages to peers with no link that no mailbox replica holds yet, oldest
     * first per peer: what the mailbox layer hands to replicas.
     */
    public List<RelayItem> awaitingRelay() {
        List<RelayItem> items = new ArrayList<>();
        outbox.forEach((peer, waiting) -> {
            if (neighbours.isConnected(peer)) {
                return;
            }
            for (OutboxItem item : waiting.values()) {
                if (item.envelope != null && item.committed && item.record.state().equals(MessageRecord.PENDING)) {
                    try {
                        items.add(new RelayItem(item.record.id(), peer,
                                org.parley.proto.wire.v1.Envelope.parseFrom(item.envelope)));
                    } catch (InvalidProtocolBufferException e) {
                        LOG.severe("a stored envelope does not parse; it cannot be relayed");
                    }
                }
            }
        });
        return items;
    }

    /** {@code replicas} mailbox replicas hold the message: its state becomes relayed until its receipt. */
    public void relayed(PeerId peer, MessageId id, int replicas) {
        OutboxItem item = outbox.getOrDefault(peer, new LinkedHashMap<>()).get(id);
        if (item == null || !item.record.state().equals(MessageRecord.PENDING)) {
            return;
        }
        item.record = item.record.relayedTo(replicas);
        MessageRecord updated = item.record;
        storage.submit(connection -> {
            MessageRows.markRelayed(connection, id.bytes(), MessageRecord.RELAYED, replicas);
            return null;
        }).whenCompleteAsync((ignored, error) -> {
            if (error != null) {
                LOG.log(Level.SEVERE, "could not store a relayed state", error);
            } else if (outbox.get(peer).get(id) == item) {
                // Not when its receipt came meanwhile: "delivered" was the last word.
                listeners.forEach(listener -> listener.messageUpdated(updated));
            }
        }, loop);
    }

    /** Every replica asked refused the message ({@code "quota"}, {@code "expired"}): it fails with that reason. */
    public void relayRefused(PeerId peer, MessageId id, String reason) {
        OutboxItem item = outbox.getOrDefault(peer, new LinkedHashMap<>()).get(id);
        if (item != null && item.record.state().equals(MessageRecord.PENDING)) {
            fail(peer, item, reason);
        }
    }

    // ---------------------------------------------------------------- bookkeeping

    private void refuse(PeerId from, EnvelopeException reason) {
        LOG.fine(() -> "refused an envelope via " + from.shortForm() + ": " + reason.getMessage());
        count(from, reason.rejection());
        if (reason.rejection().penalty() > 0) {
            neighbours.penalize(from, reason.rejection().penalty(), reason.rejection().label());
        }
    }

    private void count(PeerId peer, Rejection rejection) {
        refused.computeIfAbsent(peer, p -> new HashMap<>()).merge(rejection.label(), 1L, Long::sum);
        storage.submit(connection -> {
            PeerRows.count(connection, peer.toString(), rejection.label());
            return null;
        }).whenCompleteAsync(logFailure("counting a refused envelope"), loop);
    }

    private boolean isBlocked(PeerId peer) {
        ContactRecord contact = contacts.get(peer);
        return contact != null && contact.status().equals(ContactRecord.BLOCKED);
    }

    private ContactRecord withCounts(ContactRecord contact) {
        return new ContactRecord(contact.peer(), contact.name(), contact.status(), contact.addedAtMillis(),
                refusedFrom(contact.peer()));
    }

    /** Strictly increasing send times: one sender's messages keep their order in every history. */
    private long nextSentAt() {
        lastSentAtMillis = Math.max(clock.nowMillis(), lastSentAtMillis + 1);
        return lastSentAtMillis;
    }

    /**
     * A session's state as it will be stored. Taken on the loop: the session goes on changing
     * while the storage thread writes, so the row must be a snapshot, not a view. Sealed for
     * the disk with the storage work, off the loop.
     */
    private final class SessionSnapshot {
        private final PeerId peer;
        private final byte[] sessionId;
        private final byte[] state;
        private final boolean active;
        private final List<byte[]> dropped;

        SessionSnapshot(Sessions.Changed change) {
            Session session = change.session();
            this.peer = change.peer();
            this.sessionId = session.id;
            this.state = session.toBytes();
            this.active = change.active();
            this.dropped = change.dropped();
        }

        /** Which row the state goes to. */
        SessionRow row() {
            return new SessionRow(peer, ByteString.copyFrom(sessionId));
        }

        PeerRows.Session seal() {
            return new PeerRows.Session(peer.toString(), sessionId, cipher.seal(state, sessionContext(peer, sessionId)),
                    active, dropped);
        }
    }

    /** A session's row in storage: the key under which only its newest state is written. */
    private record SessionRow(PeerId peer, ByteString sessionId) {
    }

    private SessionSnapshot snapshot(Sessions.Changed change) {
        return new SessionSnapshot(change);
    }

    /**
     * Submits storage work that commits with {@code session}'s state (none if null). Only the
     * newest state of a session counts, so a transaction holding many of its messages writes it
     * once (see {@link StorageQueue}); a state that drops other sessions is written with its own
     * work, after all states submitted before it, so that no dropped session is written back.
     */
    private <T> CompletableFuture<T> submitWithSession(SessionSnapshot session, Database.Work<T> work) {
        if (session == null) {
            return storage.submit(work);
        }
        if (!session.dropped.isEmpty()) {
            return storage.submit(connection -> {
                T value = work.run(connection);
                PeerRows.putSession(connection, session.seal());
                return value;
            });
        }
        return storage.submit(work, session.row(), connection -> {
            PeerRows.putSession(connection, session.seal());
            return null;
        });
    }

    private MessageRecord toRecord(MessageRows.StoredMessage stored) {
        MessageId id = MessageId.of(stored.id());
        String text = new String(cipher.open(stored.body(), bodyContext(id)), StandardCharsets.UTF_8);
        PeerId peer;
        try {
            peer = PeerId.parse(stored.peerId());
        } catch (InvalidPeerIdException e) {
            throw new MessagingException("a stored message names no valid peer");
        }
        return new MessageRecord(id, stored.direction(), peer, text, stored.sentMillis(), stored.receivedMillis(),
                stored.state(), stored.reason(), stored.request(), stored.replicas());
    }

    private static String bodyContext(MessageId id) {
        return "message:" + id;
    }

    private static String sessionContext(PeerId peer, byte[] sessionId) {
        return "session:" + peer + ":" + java.util.HexFormat.of().formatHex(sessionId);
    }

    private static String prekeyContext(int id) {
        return "prekey:" + id;
    }

    private static <T> BiConsumer<T, Throwable> logFailure(String what) {
        return (ignored, error) -> {
            if (error != null) {
                LOG.log(Level.SEVERE, what + " failed", error);
            }
        };
    }

    // ---------------------------------------------------------------- prekeys

    /** Replaces our prekey and forgets old ones on {@link PrekeyRotation}'s schedule; linked peers get the new bundle. */
    private void rotatePrekeysIfDue() {
        PrekeyRotation.Due due = PrekeyRotation.due(sessions.prekeysMade(), clock.nowMillis());
        if (due.nothing() || rotatingPrekeys) {
            return;
        }
        rotatingPrekeys = true;
        Optional<OwnPrekey> fresh = newPrekeyIfDue(due);
        storage.submit(connection -> {
            storePrekeys(connection, due, fresh);
            return null;
        }).whenCompleteAsync((ignored, error) -> {
            rotatingPrekeys = false;
            if (error != null) {
                LOG.log(Level.SEVERE, "could not store a new prekey", error);
                return;
            }
            due.forget().forEach(sessions::removePrekey);
            fresh.ifPresent(prekey -> {
                sessions.addPrekey(prekey);
                ownBundle = Bundles.own(self, prekey);
                Frame bundle = Frame.newBuilder().setPrekeyBundle(ownBundle).build();
                neighbours.linkedPeers().forEach(peer -> neighbours.send(peer, bundle));
            });
        }, loop);
    }

    private Optional<OwnPrekey> newPrekeyIfDue(PrekeyRotation.Due due) {
        return due.replace()
                ? Optional.of(new OwnPrekey(due.newId(), X25519.generatePrivateKey(random), clock.nowMillis()))
                : Optional.empty();
    }

    private void storePrekeys(java.sql.Connection connection, PrekeyRotation.Due due, Optional<OwnPrekey> fresh)
            throws java.sql.SQLException {
        for (int id : due.forget()) {
            PeerRows.deletePrekey(connection, id);
        }
        if (fresh.isPresent()) {
            OwnPrekey prekey = fresh.get();
            PeerRows.putPrekey(connection, new PeerRows.Prekey(prekey.id(),
                    cipher.seal(prekey.privateKey(), prekeyContext(prekey.id())), prekey.createdAtMillis()));
        }
    }

    // ---------------------------------------------------------------- loading

    private void load() {
        long now = clock.nowMillis();
        storage.submit(connection -> {
            for (PeerRows.Contact contact : PeerRows.contacts(connection)) {
                PeerId peer = parse(contact.peerId());
                if (peer != null) {
                    contacts.put(peer, new ContactRecord(peer, contact.name(), contact.status(), contact.addedMillis(),
                            Map.of()));
                }
            }
            for (PeerRows.Counter counter : PeerRows.counters(connection)) {
                PeerId peer = parse(counter.peerId());
                if (peer != null) {
                    refused.computeIfAbsent(peer, p -> new HashMap<>()).put(counter.kind(), counter.count());
                }
            }
            loadKeys(connection);
            for (MessageRows.SeenEnvelope envelope : MessageRows.seenUnexpired(connection, now)) {
                PeerId sender = parse(envelope.sender());
                seen.put(ByteString.copyFrom(envelope.envelopeId()), new SeenEnvelope(sender,
                        envelope.messageId() == null ? null : MessageId.of(envelope.messageId()),
                        envelope.expiresMillis()));
            }
            for (MessageRows.OutboxEntry entry : MessageRows.outbox(connection)) {
                PeerId peer = parse(entry.peerId());
                MessageId id = MessageId.of(entry.messageId());
                String text = new String(cipher.open(entry.body(), bodyContext(id)), StandardCharsets.UTF_8);
                byte[] content = Content.newBuilder().setMessageId(ByteString.copyFrom(id.bytes()))
                        .setSentAtMs(entry.sentMillis()).setText(text).build().toByteArray();
                MessageRecord record = new MessageRecord(id, MessageRecord.OUT, peer, text, entry.sentMillis(), null,
                        entry.state(), null, false, entry.replicas());
                OutboxItem item = new OutboxItem(record, content, entry.expiresMillis(), entry.envelope());
                item.committed = true;
                outbox.computeIfAbsent(peer, p -> new LinkedHashMap<>()).put(id, item);
                lastSentAtMillis = Math.max(lastSentAtMillis, entry.sentMillis());
            }
            return null;
        }).join();
    }

    private void loadKeys(java.sql.Connection connection) throws java.sql.SQLException {
        List<OwnPrekey> prekeys = new ArrayList<>();
        for (PeerRows.Prekey stored : PeerRows.prekeys(connection)) {
            prekeys.add(new OwnPrekey(stored.id(), cipher.open(stored.privateKey(), prekeyContext(stored.id())),
                    stored.createdMillis()));
        }
        PrekeyRotation.Due due = PrekeyRotation.due(prekeys.stream()
                .map(prekey -> new PrekeyRotation.Made(prekey.id(), prekey.createdAtMillis())).toList(),
                clock.nowMillis());
        Optional<OwnPrekey> fresh = newPrekeyIfDue(due);
        storePrekeys(connection, due, fresh);
        prekeys.removeIf(prekey -> due.forget().contains(prekey.id()));
        fresh.ifPresent(prekeys::add);
        prekeys.forEach(sessions::addPrekey);
        ownBundle = Bundles.own(self, prekeys.get(prekeys.size() - 1));
        for (PeerRows.Bundle stored : PeerRows.bundles(connection)) {
            PeerId peer = parse(stored.peerId());
            try {
                sessions.putBundle(Bundles.verify(PrekeyBundle.parseFrom(stored.bundle()), peer));
            } catch (InvalidProtocolBufferException | EnvelopeException | RuntimeException e) {
                LOG.warning("ignoring an unusable stored bundle of " + stored.peerId());
            }
        }
        for (PeerRows.Session stored : PeerRows.sessions(connection)) {
            PeerId peer = parse(stored.peerId());
            try {
                Session session = Session.fromBytes(cipher.open(stored.record(),
                        sessionContext(peer, stored.sessionId())), random);
                sessions.load(peer, session, stored.active());
            } catch (InvalidProtocolBufferException | RuntimeException e) {
                LOG.warning("ignoring an unusable stored session with " + stored.peerId());
            }
        }
    }

    private static PeerId parse(String peerId) {
        try {
            return PeerId.parse(peerId);
        } catch (InvalidPeerIdException e) {
            throw new MessagingException("the database holds an invalid peer ID");
        }
    }

    /** Peers with messages waiting in the outbox (for status displays). */
    public int outboxSize() {
        return outbox.values().stream().mapToInt(Map::size).sum();
    }

    /** Outgoing messages mailbox replicas hold, not yet confirmed delivered. */
    public int relayedCount() {
        return (int) relayedItems().count();
    }

    /** Bytes of our envelopes held by replicas: each envelope's size times the replicas holding it. */
    public long bytesHeldByReplicas() {
        return relayedItems().mapToLong(item -> (long) item.envelope.length * item.record.replicas()).sum();
    }

    private java.util.stream.Stream<OutboxItem> relayedItems() {
        return outbox.values().stream().flatMap(items -> items.values().stream())
                .filter(item -> item.record.state().equals(MessageRecord.RELAYED));
    }

    /** Peers with at least one message waiting in the outbox, to be reached by whatever means the node has. */
    public Set<PeerId> waitingPeers() {
        Set<PeerId> waiting = new java.util.HashSet<>();
        outbox.forEach((peer, items) -> {
            if (!items.isEmpty()) {
                waiting.add(peer);
            }
        });
        return waiting;
    }

    Set<PeerId> peersWithOutbox() {
        return outbox.keySet();
    }
}
