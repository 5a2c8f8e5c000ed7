package org.parley.overlay.discovery;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.LinkControl;
import org.parley.link.FrameHandler;
import org.parley.link.LinkEvents;
import org.parley.link.Misbehaviour;
import org.parley.link.PeerInfo;
import org.parley.overlay.record.PeerRecord;
import org.parley.overlay.record.PeerRecordBook;
import org.parley.overlay.record.RecordVerifier;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.PrekeyBundle;
import org.parley.runtime.Clock;
import org.parley.runtime.Rng;
import org.parley.runtime.Scheduler;

/**
 * How a node finds peers beyond its bootstrap list and keeps a healthy set of links. Every link
 * starts with both sides sending their own signed record and asking for a sample of the records
 * the other knows; on each heartbeat the node announces its record when it was renewed, keeps its
 * links ({@link LinkKeeper}: tops them up, trims, closes idle ones) and exchanges records with
 * one neighbour ({@link RecordExchange}), so that news spreads. Records are checked before they
 * are stored ({@link RecordIntake}). This class holds those parts together and is what the other
 * layers see. Sans-I/O and confined to the node's loop.
 */
public final class Discovery implements LinkEvents, FrameHandler {
    /** Heartbeats between peer exchanges of a node that has links enough. */
    static final int EXCHANGE_EVERY = 6;

    private final LinkControl links;
    private final Scheduler scheduler;
    private final Clock clock;
    private final RandomPick random;
    private final DiscoveryConfig config;
    private final OwnRecord own;
    private final PeerRecordBook book;
    private final RecordVerifier verifier;
    private final RecordIntake intake;
    private final LinkKeeper keeper;
    private final RecordExchange exchange;
    private final List<Consumer<PeerRecord>> ownRecordListeners = new CopyOnWriteArrayList<>();
    /** The own record last announced to every neighbour; {@link #ownRecord} may renew it in between. */
    private PeerRecord lastAnnounced;
    private Scheduler.Cancellable heartbeat;
    private long beats;
    private boolean stopped;

    public Discovery(Identity identity, LinkControl links, Scheduler scheduler, Clock clock, Rng rng,
                     DiscoveryConfig config, Supplier<List<String>> announcedAddresses,
                     Supplier<PrekeyBundle> bundle) {
        this(identity, links, scheduler, clock, rng, config, announcedAddresses, bundle,
                new RecordVerifier(config.bookCapacity() * 2));
    }

    /**
     * Discovery that checks records with {@code verifier}: a node's own, or one that several
     * nodes on one loop share (the simulator's, so that a record thousands of nodes hear is
     * verified, and held, once).
     */
    public Discovery(Identity identity, LinkControl links, Scheduler scheduler, Clock clock, Rng rng,
                     DiscoveryConfig config, Supplier<List<String>> announcedAddresses,
                     Supplier<PrekeyBundle> bundle, RecordVerifier verifier) {
        this.links = links;
        this.scheduler = scheduler;
        this.clock = clock;
        this.random = new RandomPick(rng);
        this.config = config;
        this.own = new OwnRecord(identity, clock, config.recordLifetime(), announcedAddresses, bundle);
        this.book = new PeerRecordBook(config.bookCapacity());
        this.verifier = verifier;
        this.intake = new RecordIntake(identity.peerId(), links, clock, book, verifier);
        this.keeper = new LinkKeeper(links, scheduler, clock, random, config, book);
        this.exchange = new RecordExchange(identity.peerId(), links, clock, random, config, book, intake, keeper);
        keeper.beforeDialing(exchange::forgetOldAsks);
    }

    /** The node's record checker, which remembers what it verified; for other overlay services. */
    public RecordVerifier verifier() {
        return verifier;
    }

    /** Told of every record that is news (a peer not known before, or a newer record). */
    public void addRecordListener(Consumer<PeerRecord> listener) {
        intake.addListener(listener);
    }

    /** Told of our own record each time a renewed one is announced to the neighbours. */
    public void addOwnRecordListener(Consumer<PeerRecord> listener) {
        ownRecordListeners.add(listener);
    }

    public void start() {
        lastAnnounced = own.current();
        scheduleHeartbeat();
    }

    public void stop() {
        stopped = true;
        if (heartbeat != null) {
            heartbeat.cancel();
        }
    }

    /** The newest valid record we hold for {@code peer}. */
    public java.util.Optional<PeerRecord> recordOf(PeerId peer) {
        return book.get(peer, clock.nowMillis());
    }

    /** How many of the records held came from {@code source} (its own, or passed on by it). */
    public int heldFrom(PeerId source) {
        return book.heldFrom(source);
    }

    /** The records of other peers held now (a copy). */
    public List<PeerRecord> knownRecords() {
        return book.records(clock.nowMillis());
    }

    /**
     * Links to peers {@code spared} names, or any predicate given here before, are never trimmed
     * or swapped away, and do not count toward the link maximum: the relays holding a reservation
     * for us, and the private peers holding one here, whose reservations end with the link;
     * members that group control still waits on; peers nobody can dial (in a gossip mesh, or up
     * to a number of them).
     */
    public void spareLinksTo(java.util.function.Predicate<PeerId> spared) {
        keeper.spareLinksTo(spared);
    }

    /**
     * Gives discovery the records of the DHT routing table's contacts: they are dialed before
     * records from the book, links to them trimmed after others that brought as little, and a
     * node at its maximum with few relaying links swaps one that never brought anything for one
     * of them (decision 0078). A peer-exchange flood fills the book with Sybil records; the
     * table's full buckets keep the contacts they have while those answer.
     */
    public void dialTableContacts(Supplier<List<PeerRecord>> contacts) {
        keeper.dialTableContacts(contacts);
    }

    /**
     * Tells discovery, for each neighbour, how many messages of the topics it shares with us
     * reached us since it last relayed or announced one (the gossip layer counts them). Time is
     * counted in messages, not seconds, so a quiet topic makes nobody idle, and a neighbour on
     * none of our topics never is.
     */
    public void judgeRelaysBy(java.util.function.ToLongFunction<PeerId> messagesSinceRelayed) {
        keeper.judgeRelaysBy(messagesSinceRelayed);
    }

    /**
     * A neighbour relayed a message ({@code firstCopy} when nobody brought it before) or announced
     * one: links that brought most first copies are trimmed last.
     */
    public void relayed(PeerId peer, boolean firstCopy) {
        keeper.relayed(peer, firstCopy);
    }

    /**
     * The gossip layer says first copies stopped coming: a few routing-table contacts are dialed
     * at once, beyond the maximum if need be (decision 0083). Called on each gossip heartbeat
     * while it lasts; a spell dials a bounded number.
     */
    public void starved() {
        if (!stopped) {
            keeper.starved(links.linkedPeers());
        }
    }

    /** Records of other peers held now. */
    public int knownPeers() {
        return book.records(clock.nowMillis()).size();
    }

    /**
     * Names these contacts as relays of our mail in our record, and announces the renewed record
     * at once (to the neighbours and the own-record listeners, so the DHT republishes it).
     */
    public void announceRelays(List<PeerId> relays) {
        own.relays(relays);
        if (lastAnnounced != null && !stopped) {
            announceIfRenewed(links.linkedPeers());
        }
    }

    /** Names the peers holding a relay reservation for us in our record, and announces it if it changed. */
    public void announceLinkRelays(List<PeerId> relays) {
        own.linkRelays(relays);
        if (lastAnnounced != null && !stopped) {
            announceIfRenewed(links.linkedPeers());
        }
    }

    /** Our own record as announced now. */
    public PeerRecord ownRecord() {
        return own.current();
    }

    @Override
    public void peerConnected(PeerInfo peer) {
        keeper.linkUp(peer);
        links.send(peer.peerId(), Frame.newBuilder().setPeerRecord(own.current().toProto()).build());
        exchange.linkUp(peer.peerId());
    }

    @Override
    public void peerDisconnected(PeerId peer) {
        keeper.linkDown(peer);
    }

    /** A neighbour's own record, and peer exchanges. */
    @Override
    public Set<Frame.BodyCase> frameTypes() {
        return Set.of(Frame.BodyCase.PEER_RECORD, Frame.BodyCase.PEER_EXCHANGE);
    }

    @Override
    public void frameReceived(PeerId from, Frame frame) {
        switch (frame.getBodyCase()) {
            case PEER_RECORD -> receiveOwnRecord(from, frame.getPeerRecord());
            case PEER_EXCHANGE -> exchange.receive(from, frame.getPeerExchange());
            default -> {
                // Not one of frameTypes(): the link layer hands none here.
            }
        }
    }

    private void receiveOwnRecord(PeerId from, org.parley.proto.wire.v1.PeerRecord proto) {
        intake.verify(from, proto).ifPresent(record -> {
            if (!record.peer().equals(from)) {
                links.penalize(from, Misbehaviour.NOT_OWN_RECORD, "announced another peer's record as its own");
                return;
            }
            intake.offer(from, record);
        });
    }

    private void scheduleHeartbeat() {
        if (stopped) {
            return;
        }
        // Jitter keeps a network started at one moment from beating in lockstep.
        long jitter = random.below(config.heartbeat().toMillis() / 2 + 1);
        heartbeat = scheduler.schedule(config.heartbeat().plusMillis(jitter), () -> {
            beat();
            scheduleHeartbeat();
        });
    }

    private void announceIfRenewed(List<PeerId> linked) {
        PeerRecord current = own.current();
        if (!current.equals(lastAnnounced)) {
            lastAnnounced = current;
            Frame announcement = Frame.newBuilder().setPeerRecord(current.toProto()).build();
            linked.forEach(peer -> links.send(peer, announcement));
            ownRecordListeners.forEach(listener -> listener.accept(current));
        }
    }

    private void beat() {
        // Compared with what was announced rather than taken from the renewal flag: another
        // layer asking for our record in between may have triggered the renewal.
        announceIfRenewed(links.linkedPeers());
        keeper.closeIdle();
        List<PeerId> linked = links.linkedPeers();
        keeper.topUpOrTrim(linked, () -> exchange.askTheBestRelay(linked));
        // A node short of links asks around every beat; one with enough only now and then, so
        // that news still spreads without every node checking hundreds of signatures a minute.
        if (!linked.isEmpty() && (linked.size() < config.targetLinks() || ++beats % EXCHANGE_EVERY == 0)) {
            exchange.send(linked.get((int) random.below(linked.size())));
        }
    }
}
