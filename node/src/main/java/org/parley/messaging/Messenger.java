package org.parley.messaging;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.FrameHandler;
import org.parley.link.LinkEvents;
import org.parley.link.Neighbours;
import org.parley.link.PeerInfo;
import org.parley.proto.wire.v1.Content;
import org.parley.proto.wire.v1.FileOffer;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.PrekeyBundle;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;
import org.parley.store.ContentCipher;
import org.parley.store.SealedPlaces;
import org.parley.store.StorageQueue;

/**
 * Direct messages: the facade the node wires and the layers above call, through the narrow
 * interfaces it implements. The work is done by its parts: the {@link Outbox} state machine and
 * its {@link OutboxRunner}, the {@link EnvelopeIntake}, the {@link ReceiptQueue}, the
 * {@link Courier} (receipts and group control), the {@link Composer} (what the user sends),
 * {@link Contacts}, {@link History}, the {@link Signals} (read receipts and typing),
 * {@link SessionStorage} and {@link OwnPrekeys}.
 *
 * <p>Confined to the node's loop; disk work goes through the {@link StorageQueue} and comes back
 * to the loop. Two rules keep messages from being lost or doubled: a ratchet's new state is
 * committed before anything it encrypted leaves the node, and a receipt goes out only after the
 * message it acknowledges (with the session state and the dedupe record) is committed.
 *
 * <p>Over 400 lines and kept whole on purpose: what is left here is wiring its parts together and
 * one short delegating method for each call of the interfaces it implements; the work lives in the
 * parts above.
 */
public final class Messenger implements LinkEvents, FrameHandler, UserMessaging, GroupSignalTransport, RelayableOutbox,
        PeerBundles {
    private static final Logger LOG = Logger.getLogger(Messenger.class.getName());

    private final Identity self;
    private final Neighbours neighbours;
    private final StorageQueue storage;
    private final Scheduler loop;
    private final Clock clock;
    private final MessagingConfig config;
    private final ContentCipher cipher;
    private final Sessions sessions;
    private final List<MessagingEvents> listeners = new CopyOnWriteArrayList<>();
    private final List<GroupSignalListener> groupSignalListeners = new CopyOnWriteArrayList<>();
    private final SessionStorage sessionStorage;
    private final OwnPrekeys prekeys;
    private final Contacts contacts;
    private final History history;
    private final Courier courier;
    private final OutboxRunner outbox;
    private final EnvelopeIntake intake;
    private final Sealing sealing;
    private final EnvelopeVersions versions;
    private final DirectActions actions;
    private final Composer composer;
    private final Signals signals;
    private Scheduler.Cancellable retryTimer;
    private boolean stopped;

    private Messenger(Identity self, Neighbours neighbours, StorageQueue storage, ContentCipher cipher, Scheduler loop,
                      Clock clock, SecureRandom random, MessagingConfig config) {
        this.self = self;
        this.neighbours = neighbours;
        this.storage = storage;
        this.loop = loop;
        this.clock = clock;
        this.config = config;
        this.sessions = new Sessions(self, random);
        this.sessionStorage = new SessionStorage(storage, cipher, sessions, random);
        this.prekeys = new OwnPrekeys(self, sessions, neighbours, storage, cipher, loop, clock, random);
        this.contacts = new Contacts(self, storage, cipher, loop, clock);
        this.cipher = cipher;
        this.history = new History(storage, cipher, contacts, loop);
        this.sealing = new Sealing(self, Stamp.DEFAULT_BITS, random);
        this.versions = new EnvelopeVersions();
        sealing.knowPeers(contacts::isKnown);
        this.courier = new Courier(self, neighbours, sessions, sessionStorage, sealing, loop, clock, random, config,
                () -> stopped, peer -> contacts.isContact(peer) && sessions.heardFrom(peer), versions);
        MessagingEvents toListeners = new MessagingEvents() {
            @Override
            public void messageAdded(MessageRecord message) {
                if (message.direction().equals(MessageRecord.IN)) {
                    signals.typingSignals().messageFrom(message.peer());
                }
                listeners.forEach(listener -> listener.messageAdded(message));
            }

            @Override
            public void messageUpdated(MessageRecord message) {
                MessageRecord shown = signals.reads().shown(message);
                listeners.forEach(listener -> listener.messageUpdated(shown));
            }

            @Override
            public void messageChanged(MessageRecord message) {
                if (message.direction().equals(MessageRecord.OUT)) {
                    Messenger.this.outbox.shownAs(message);
                }
                MessageRecord shown = signals.reads().shown(message);
                listeners.forEach(listener -> listener.messageChanged(shown));
            }

            @Override
            public void readBy(PeerId peer, MessageId upTo, long readAtMillis) {
                listeners.forEach(listener -> listener.readBy(peer, upTo, readAtMillis));
            }

            @Override
            public void typing(PeerId peer, boolean active) {
                listeners.forEach(listener -> listener.typing(peer, active));
            }
        };
        this.signals = new Signals(storage, contacts, courier, loop, clock, random, toListeners);
        this.outbox = new OutboxRunner(self, neighbours, sessions, sessionStorage, courier, cipher, loop, clock, config,
                () -> stopped, toListeners);
        ReceiptQueue receipts = new ReceiptQueue(courier, loop, clock, random, config, () -> stopped);
        this.composer = new Composer(self.peerId(), storage, contacts, outbox, loop, clock, random, config);
        this.actions = new DirectActions(self, outbox, cipher, history, contacts, clock, config, toListeners,
                composer::nextSentAt, random);
        this.intake = new EnvelopeIntake(self, neighbours, sessions, sessionStorage, contacts, receipts, outbox, cipher,
                loop, clock, config, toListeners, groupSignalListeners, sealing, actions, signals);
        contacts.whenRequestsAccepted(intake::requestsAccepted);
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

    private void load() {
        long now = clock.nowMillis();
        storage.submit(connection -> {
            SealedPlaces.bindOnce(connection, cipher);
            contacts.load(connection);
            signals.load(connection);
            prekeys.load(connection);
            sessionStorage.load(connection);
            intake.load(connection, now);
            composer.sentAtLeast(outbox.load(connection));
            return null;
        }).join();
    }

    public void addListener(MessagingEvents listener) {
        listeners.add(listener);
    }

    /** Receipts and group control for peers without a link are handed to {@code carrier} (the mailbox replicas). */
    public void carryOfflineWith(java.util.function.BiConsumer<PeerId, org.parley.proto.wire.v1.WireEnvelope> carrier) {
        courier.carryOfflineWith(carrier);
    }

    /**
     * Where mail to us may wait in {@code epoch} (decision 0047): the pair address to us of each
     * contact and of each peer we have written to (a peer places its mail for us once it has heard
     * from us, whether or not we added it), with the key that signs for it. On the loop.
     */
    public List<PairAddresses.PairKey> pairsToUs(long epoch) {
        java.util.Set<PeerId> peers = new java.util.LinkedHashSet<>();
        contacts.contacts().stream().filter(contact -> contact.status().equals(ContactRecord.CONTACT))
                .forEach(contact -> peers.add(contact.peer()));
        sessions.wroteTo().stream().filter(peer -> !contacts.isBlocked(peer)).forEach(peers::add);
        return peers.stream().map(peer -> sealing.pairs().from(peer, epoch)).toList();
    }

    /**
     * Inbound envelopes are checked by {@code verifier} (the real node's checks run off the loop);
     * set before the loop serves anything.
     */
    public void verifyEnvelopesWith(EnvelopeVerifier verifier) {
        intake.verifyWith(verifier);
    }

    /**
     * Sets the proof of work (in bits) this node pays on every envelope it seals, once per
     * recipient and epoch, and asks of envelopes from peers who are not its contacts; before the
     * loop serves anything. Replicas ask for theirs separately ({@code Mailbox}).
     */
    public void stampBits(int bits) {
        sealing.stampBits(bits);
    }

    /** Sets the quota of message requests; before the loop serves anything. */
    public void limitRequests(RequestLimits limits) {
        intake.limitRequests(limits);
    }

    /** File offers that come with messages go to {@code intake}; set before the loop serves anything. */
    public void takeFileOffersWith(FileOfferIntake intake) {
        this.intake.takeFileOffersWith(intake);
    }

    public void addGroupSignalListener(GroupSignalListener listener) {
        groupSignalListeners.add(listener);
    }

    @Override
    public PrekeyBundle ownBundle() {
        return prekeys.bundle();
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

    private void scheduleRetry() {
        if (stopped) {
            return;
        }
        retryTimer = loop.schedule(config.retryInterval(), () -> {
            prekeys.rotateIfDue();
            outbox.tick();
            scheduleRetry();
        });
    }

    // ---------------------------------------------------------------- user requests

    @Override
    public CompletableFuture<MessageRecord> send(PeerId peer, String text) {
        return send(peer, text, Optional.empty());
    }

    @Override
    public CompletableFuture<MessageRecord> send(PeerId peer, String text, Optional<MessageId> replyTo) {
        return composer.send(peer, text, replyTo, null);
    }

    /**
     * Sends a message that offers a file: {@code text} says what the file is (what a client that
     * does not know files shows), {@code offer} travels beside it in the same ciphertext.
     */
    public CompletableFuture<MessageRecord> sendWithFile(PeerId peer, String text, FileOffer offer) {
        return composer.send(peer, text, Optional.empty(), offer);
    }

    @Override
    public CompletableFuture<MessageRecord> react(PeerId peer, MessageId target, String emoji) {
        return actions.act(peer, ConversationAction.Kind.REACTION, target, emoji);
    }

    @Override
    public CompletableFuture<MessageRecord> edit(PeerId peer, MessageId target, String text) {
        return actions.act(peer, ConversationAction.Kind.EDIT, target, text);
    }

    @Override
    public CompletableFuture<MessageRecord> delete(PeerId peer, MessageId target) {
        return actions.act(peer, ConversationAction.Kind.DELETION, target, "");
    }

    /**
     * Encrypts {@code content} as it is and sends it, unchecked: what a modified client could
     * send. The tests of hostile peers use it; nothing else in the node does.
     */
    boolean sendUnchecked(PeerId peer, Content content) {
        return courier.sendEncrypted(peer, content.toByteArray());
    }

    @Override
    public CompletableFuture<List<MessageRecord>> history(PeerId peer, int limit, Optional<MessageId> before) {
        return history.history(peer, limit, before).thenApply(signals.reads()::shown);
    }

    @Override
    public ConversationSignals signals() {
        return signals;
    }

    @Override
    public CompletableFuture<List<MessageRecord>> messageRequests(int limit) {
        return history.messageRequests(limit);
    }

    @Override
    public CompletableFuture<ContactRecord> addContact(PeerId peer, String name) {
        return contacts.addContact(peer, name);
    }

    @Override
    public CompletableFuture<ContactRecord> block(PeerId peer) {
        return contacts.block(peer);
    }

    @Override
    public CompletableFuture<Boolean> removeContact(PeerId peer) {
        return contacts.removeContact(peer);
    }

    @Override
    public List<ContactRecord> contacts() {
        return contacts.contacts();
    }

    @Override
    public Map<String, Long> refusedFrom(PeerId peer) {
        return contacts.refusedFrom(peer);
    }

    @Override
    public boolean isContact(PeerId peer) {
        return contacts.isContact(peer);
    }

    // ---------------------------------------------------------------- group control

    @Override
    public boolean sendGroupSignal(PeerId peer, byte[] control) {
        return courier.sendGroupSignal(peer, control);
    }

    @Override
    public boolean carryGroupSignal(PeerId peer, byte[] control) {
        return courier.carryGroupSignal(peer, control);
    }

    // ---------------------------------------------------------------- link events and inbound envelopes

    @Override
    public void peerConnected(PeerInfo peer) {
        versions.heard(peer.peerId(), peer.envelopeVersions());
        neighbours.send(peer.peerId(), Frame.newBuilder().setPrekeyBundle(prekeys.bundle()).build());
        outbox.linkUp(peer.peerId(), version -> versions.reads(peer.peerId(), version));
    }

    /** The envelope versions this node takes, newest first: what its Hello says (decision 0047). */
    public List<Integer> envelopeVersions() {
        return versions.announced();
    }

    /**
     * Takes only {@code accepted} envelope versions from now on: a test's stand-in for a node from
     * before sealing. Before the loop serves anything.
     */
    public void acceptEnvelopeVersionsOnly(Set<Integer> accepted) {
        versions.acceptOnly(accepted);
        sealing.acceptOnly(accepted);
    }

    /** Neighbours' prekey bundles, and envelopes (messages, receipts, group signals). */
    @Override
    public Set<Frame.BodyCase> frameTypes() {
        return Set.of(Frame.BodyCase.PREKEY_BUNDLE, Frame.BodyCase.ENVELOPE);
    }

    @Override
    public void frameReceived(PeerId from, Frame frame) {
        switch (frame.getBodyCase()) {
            case PREKEY_BUNDLE -> receiveBundle(from, frame.getPrekeyBundle());
            case ENVELOPE -> intake.takeIn(from, frame.getEnvelope(), false);
            default -> {
                // Not one of frameTypes(): the link layer hands none here.
            }
        }
    }

    private void receiveBundle(PeerId from, PrekeyBundle bundle) {
        Bundles.Verified verified;
        try {
            verified = Bundles.verify(bundle, from);
        } catch (EnvelopeException e) {
            intake.refuse(from, e);
            return;
        }
        keepBundle(from, bundle, verified);
    }

    @Override
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
            sessionStorage.storeBundle(from, bundle).whenCompleteAsync((ignored, error) -> {
                if (error != null) {
                    LOG.log(Level.SEVERE, "storing a prekey bundle failed", error);
                }
            }, loop);
        }
        outbox.flush(from);
        groupSignalListeners.forEach(listener -> listener.bundleArrived(from));
    }

    /**
     * Takes in an envelope a mailbox replica held for us. The stage completes once it is committed
     * (or refused, or known already): then the replica may delete it.
     */
    public CompletableFuture<Void> takeRelayed(PeerId replica, org.parley.proto.wire.v1.WireEnvelope proto) {
        return intake.takeIn(replica, proto, true);
    }

    // ---------------------------------------------------------------- offline delivery and status

    @Override
    public List<RelayItem> awaitingRelay() {
        return outbox.awaitingRelay();
    }

    @Override
    public void relayed(PeerId peer, MessageId id, int replicas) {
        outbox.relayed(peer, id, replicas);
    }

    @Override
    public int outboxSize() {
        return outbox.outbox().size();
    }

    @Override
    public int relayedCount() {
        return (int) outbox.outbox().relayedItems().count();
    }

    @Override
    public long bytesHeldByReplicas() {
        return outbox.outbox().relayedItems()
                .mapToLong(item -> (long) item.envelope().length * item.record().replicas()).sum();
    }

    @Override
    public Set<PeerId> waitingPeers() {
        return outbox.outbox().waitingPeers();
    }
}
