package org.parley.overlay.discovery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.LinkControl;
import org.parley.link.FrameHandler;
import org.parley.link.LinkEvents;
import org.parley.link.Misbehaviour;
import org.parley.link.PeerInfo;
import org.parley.overlay.record.PeerRecord;
import org.parley.overlay.record.PeerRecordBook;
import org.parley.overlay.record.PeerRecordException;
import org.parley.overlay.record.RecordVerifier;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.PeerExchange;
import org.parley.proto.wire.v1.PrekeyBundle;
import org.parley.runtime.Clock;
import org.parley.runtime.Rng;
import org.parley.runtime.Scheduler;

/**
 * How a node finds peers beyond its bootstrap list and keeps a healthy set of links. Every link
 * starts with both sides sending their own signed record and a sample of the records they know
 * (peer exchange); on each heartbeat the node tops its links up to the target by dialing peers
 * it has records of, picked at random (so no node becomes everyone's only link), trims links
 * beyond the maximum, and exchanges records with one neighbour, so that news spreads.
 *
 * <p>Records are checked before they are stored; a neighbour that passes on forged or malformed
 * ones is scored down. Sans-I/O and confined to the node's loop.
 */
public final class Discovery implements LinkEvents, FrameHandler {
    private static final Logger LOG = Logger.getLogger(Discovery.class.getName());
    /** Below this many records, a node asks every new neighbour for more. */
    static final int WANTED_RECORDS = 64;
    /** Heartbeats between peer exchanges of a node that has links enough. */
    static final int EXCHANGE_EVERY = 6;
    /** Chance per heartbeat that a node with enough links swaps one for a random other. */
    static final double EXPLORE_CHANCE = 0.05;
    /** Unsolicited exchanges a neighbour may send at once; one more per heartbeat after that. */
    static final int UNSOLICITED_BURST = 3;

    private final PeerId self;
    private final LinkControl links;
    private final Scheduler scheduler;
    private final Clock clock;
    private final Rng rng;
    private final DiscoveryConfig config;
    private final OwnRecord own;
    private final PeerRecordBook book;
    private final RecordVerifier verifier;
    private final Map<PeerId, Long> lastDialedMillis = new HashMap<>();
    /** When each peer's last request for records was answered. */
    private final Map<PeerId, Long> answeredMillis = new HashMap<>();
    /** When we last asked each peer for records: its answer is solicited, and not rate-limited. */
    private final Map<PeerId, Long> askedMillis = new HashMap<>();
    private final ExchangeAllowance unsolicited;
    private final List<Consumer<PeerRecord>> recordListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<PeerRecord>> ownRecordListeners = new CopyOnWriteArrayList<>();
    /** The own record last announced to every neighbour; {@link #ownRecord} may renew it in between. */
    private PeerRecord lastAnnounced;
    private java.util.function.Predicate<PeerId> spared = peer -> false;
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
        this.self = identity.peerId();
        this.links = links;
        this.scheduler = scheduler;
        this.clock = clock;
        this.rng = rng;
        this.config = config;
        this.own = new OwnRecord(identity, clock, config.recordLifetime(), announcedAddresses, bundle);
        this.book = new PeerRecordBook(config.bookCapacity());
        this.verifier = verifier;
        this.unsolicited = new ExchangeAllowance(UNSOLICITED_BURST, config.heartbeat().toMillis());
    }

    /** The node's record checker, which remembers what it verified; for other overlay services. */
    public RecordVerifier verifier() {
        return verifier;
    }

    /** Told of every record that is news (a peer not known before, or a newer record). */
    public void addRecordListener(Consumer<PeerRecord> listener) {
        recordListeners.add(listener);
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
        this.spared = this.spared.or(spared);
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
        links.send(peer.peerId(), Frame.newBuilder().setPeerRecord(own.current().toProto()).build());
        // Records are asked for, not pushed, on a new link: a node with links and records
        // enough does not need another sixteen signatures to check for every link it gets.
        if (links.linkCount() <= config.targetLinks() || book.size() < WANTED_RECORDS) {
            long now = clock.nowMillis();
            askedMillis.values().removeIf(asked -> now - asked >= config.redialAfter().toMillis());
            askedMillis.put(peer.peerId(), now);
            links.send(peer.peerId(), Frame.newBuilder().setPeerExchange(PeerExchange.getDefaultInstance()).build());
        }
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
            case PEER_EXCHANGE -> receiveExchange(from, frame.getPeerExchange());
            default -> {
                // Not one of frameTypes(): the link layer hands none here.
            }
        }
    }

    private void receiveOwnRecord(PeerId from, org.parley.proto.wire.v1.PeerRecord proto) {
        PeerRecord record;
        try {
            record = verifier.verify(proto, clock.nowMillis());
        } catch (PeerRecordException e) {
            refuse(from, e);
            return;
        }
        if (!record.peer().equals(from)) {
            links.penalize(from, Misbehaviour.NOT_OWN_RECORD, "announced another peer's record as its own");
            return;
        }
        offer(from, record);
    }

    private void receiveExchange(PeerId from, PeerExchange exchange) {
        if (exchange.getRecordsCount() == 0) {
            answerRequest(from);
            return;
        }
        if (exchange.getRecordsCount() > DiscoveryConfig.MAX_EXCHANGE) {
            links.penalize(from, Misbehaviour.TOO_LARGE, "peer exchange of " + exchange.getRecordsCount()
                    + " records");
            return;
        }
        // An answer to our request is taken whole; what a neighbour pushes on its own is limited
        // per neighbour, dropped unread beyond that (honest nodes push far less; no penalty, as
        // clocks and heartbeats differ).
        if (askedMillis.remove(from) == null && !unsolicited.take(from, clock.nowMillis())) {
            LOG.fine(() -> "dropped an unsolicited peer exchange beyond " + from.shortForm() + "'s allowance");
            return;
        }
        for (org.parley.proto.wire.v1.PeerRecord proto : exchange.getRecordsList()) {
            try {
                offer(from, verifier.verify(proto, clock.nowMillis()));
            } catch (PeerRecordException e) {
                refuse(from, e);
            }
        }
    }

    private void offer(PeerId from, PeerRecord record) {
        if (record.peer().equals(self)) {
            return;
        }
        try {
            if (book.offer(record, clock.nowMillis(), from) != PeerRecordBook.Admission.DUPLICATE) {
                recordListeners.forEach(listener -> listener.accept(record));
            }
        } catch (PeerRecordException e) {
            refuse(from, e);
        }
    }

    private void refuse(PeerId from, PeerRecordException e) {
        LOG.fine(() -> "refused a record from " + from.shortForm() + ": " + e.getMessage());
        links.penalize(from, e.rejection(), "record from a peer exchange");
    }

    /**
     * An empty exchange asks for records. A small frame that makes us send many is worth
     * limiting: one answer per peer per {@link DiscoveryConfig#redialAfter()}; more are ignored.
     */
    private void answerRequest(PeerId from) {
        long now = clock.nowMillis();
        answeredMillis.values().removeIf(answered -> now - answered >= config.redialAfter().toMillis());
        if (answeredMillis.putIfAbsent(from, now) == null) {
            sendExchange(from);
        }
    }

    private void sendExchange(PeerId to) {
        List<PeerRecord> known = book.records(clock.nowMillis());
        List<PeerRecord> sample = pick(known, config.exchangeSize(), record -> !record.peer().equals(to));
        if (sample.isEmpty()) {
            return;
        }
        PeerExchange.Builder exchange = PeerExchange.newBuilder();
        sample.forEach(record -> exchange.addRecords(record.toProto()));
        links.send(to, Frame.newBuilder().setPeerExchange(exchange).build());
    }

    private void scheduleHeartbeat() {
        if (stopped) {
            return;
        }
        // Jitter keeps a network started at one moment from beating in lockstep.
        long jitter = rng.nextLong(config.heartbeat().toMillis() / 2 + 1);
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
        List<PeerId> linked = links.linkedPeers();
        announceIfRenewed(linked);
        if (linked.size() < config.targetLinks()) {
            dialMore(linked, config.targetLinks() - linked.size());
        } else if (unspared(linked) > config.maxLinks()) {
            // Spared links come on top of the maximum: counted in, a public node holding many
            // private peers' links (which it may not trim) closed every other link it had.
            trim(linked, unspared(linked) - config.maxLinks());
        } else if (linked.size() > 1 && rng.nextDouble() < EXPLORE_CHANCE) {
            // Now and then one link to a random known peer replaces a random old one, even when
            // there are enough: a network that was split (a partition, a lost bootstrap) finds
            // its way back together, and no neighbourhood stays closed on itself. A node with a
            // single link keeps it: swapping it would cut the node off for a moment.
            dialMore(linked, 1);
            if (linked.size() > config.targetLinks()) {
                trim(linked, 1);
            }
        }
        // A node short of links asks around every beat; one with enough only now and then, so
        // that news still spreads without every node checking hundreds of signatures a minute.
        if (!linked.isEmpty() && (linked.size() < config.targetLinks() || ++beats % EXCHANGE_EVERY == 0)) {
            sendExchange(linked.get((int) rng.nextLong(linked.size())));
        }
    }

    private void dialMore(List<PeerId> linked, int count) {
        long now = clock.nowMillis();
        lastDialedMillis.values().removeIf(dialed -> now - dialed >= config.redialAfter().toMillis());
        List<PeerRecord> candidates = pick(book.records(now), count,
                record -> !linked.contains(record.peer()) && !lastDialedMillis.containsKey(record.peer())
                        && !record.addresses().isEmpty());
        for (PeerRecord record : candidates) {
            lastDialedMillis.put(record.peer(), now);
            links.dialOnce(DialTarget.peerAt(record.peer(), record.addresses().get(0)));
        }
    }

    private int unspared(List<PeerId> linked) {
        int count = 0;
        for (PeerId peer : linked) {
            if (!spared.test(peer)) {
                count++;
            }
        }
        return count;
    }

    private void trim(List<PeerId> linked, int count) {
        int excess = count;
        for (PeerId peer : pick(linked, linked.size(), peer -> !spared.test(peer))) {
            if (excess == 0) {
                return;
            }
            if (links.disconnect(peer, "more links than needed")) {
                excess--;
            }
        }
    }

    /** Up to {@code count} items that pass {@code filter}, chosen uniformly at random. */
    private <T> List<T> pick(List<T> items, int count, java.util.function.Predicate<T> filter) {
        List<T> eligible = new ArrayList<>();
        for (T item : items) {
            if (filter.test(item)) {
                eligible.add(item);
            }
        }
        // A partial Fisher-Yates shuffle on the node's Rng: seeded runs pick the same peers.
        int picked = Math.min(count, eligible.size());
        for (int i = 0; i < picked; i++) {
            int j = i + (int) rng.nextLong(eligible.size() - i);
            T swap = eligible.get(i);
            eligible.set(i, eligible.get(j));
            eligible.set(j, swap);
        }
        return new ArrayList<>(eligible.subList(0, picked));
    }
}
