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
import org.parley.link.Direction;
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
 * <p>Against Sybils that take links to drop what they should pass on (decision 0048): trimming
 * takes idle links first, then inbound before outbound, then those that brought fewest first
 * copies; a link that relayed nothing of the topics both ends share while {@link #IDLE_MESSAGES}
 * messages reached us is closed and its peer not dialed again for {@link #SHUN_FOR}, so that
 * links ratchet toward neighbours that deliver; and peers that relaying neighbours name first in
 * their exchanges are dialed before records drawn at random.
 *
 * <p>Records are checked before they are stored; a neighbour that passes on forged or malformed
 * ones is scored down. Sans-I/O and confined to the node's loop.
 *
 * <p>Over 500 lines since link keeping joined it; its seams are link keeping (the idle rule,
 * shunning, trimming order) and peer exchange (asking, answering, recommendations), which share
 * only the list of linked peers and the heartbeat. Splitting them is the next change here.
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
    /**
     * Messages that must reach us, with nothing relayed or announced by a neighbour sharing the
     * topic, before its link counts as idle. An honest neighbour outside our mesh announces to
     * three random neighbours outside its mesh each gossip heartbeat; over the six or more
     * heartbeats this many messages take at five a second, with ten such neighbours, the chance
     * that it announced none to us is about one in ten ((7/10)^6); losing its link costs a redial.
     */
    static final int IDLE_MESSAGES = 32;
    /** Idle links closed per heartbeat at most, so a burst of lost frames cannot cut a node off. */
    static final int IDLE_CLOSED_PER_BEAT = 3;
    /** How long a peer whose link was closed as idle is not dialed, and a link it opens is closed at once. */
    static final java.time.Duration SHUN_FOR = java.time.Duration.ofMinutes(10);
    /**
     * Records at the head of a peer exchange that name the sender's relaying neighbours (it lists
     * those first); taken as recommendations only from a neighbour that relays to us.
     */
    static final int RECOMMENDED_PER_EXCHANGE = 4;
    /** Recommended peers remembered, newest kept. */
    static final int RECOMMENDED_KEPT = 64;

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
    /** For each neighbour, messages of the topics it shares with us that reached us since it last relayed one. */
    private java.util.function.ToLongFunction<PeerId> messagesSinceRelayed = peer -> 0;
    private final Map<PeerId, Direction> directions = new HashMap<>();
    /** For each linked neighbour, the first copies of messages it brought on its current link. */
    private final Map<PeerId, Long> brought = new HashMap<>();
    /** Peers that neighbours relaying to us named as relaying to them, oldest first: dialed before random ones. */
    private final java.util.LinkedHashSet<PeerId> recommended = new java.util.LinkedHashSet<>();
    /** Peers whose links were closed as idle, until when they stay shunned. */
    private final Map<PeerId, Long> shunnedUntil = new HashMap<>();
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

    /**
     * Tells discovery, for each neighbour, how many messages of the topics it shares with us
     * reached us since it last relayed or announced one (the gossip layer counts them). Time is
     * counted in messages, not seconds, so a quiet topic makes nobody idle, and a neighbour on
     * none of our topics never is.
     */
    public void judgeRelaysBy(java.util.function.ToLongFunction<PeerId> messagesSinceRelayed) {
        this.messagesSinceRelayed = messagesSinceRelayed;
    }

    /**
     * A neighbour relayed a message ({@code firstCopy} when nobody brought it before) or announced
     * one: links that brought most first copies are trimmed last.
     */
    public void relayed(PeerId peer, boolean firstCopy) {
        if (firstCopy) {
            brought.computeIfPresent(peer, (p, count) -> count + 1);
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
        if (shunnedUntil.getOrDefault(peer.peerId(), 0L) > clock.nowMillis()) {
            // Closed once every other layer has heard of the link, not in the middle of telling them.
            scheduler.schedule(java.time.Duration.ZERO, () -> {
                if (!spared.test(peer.peerId())) {
                    links.disconnect(peer.peerId(), "shunned: its last link relayed nothing");
                }
            });
        }
        directions.put(peer.peerId(), peer.direction());
        brought.put(peer.peerId(), 0L);
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

    @Override
    public void peerDisconnected(PeerId peer) {
        directions.remove(peer);
        brought.remove(peer);
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
        // Peer exchange is not trusted blindly: only a neighbour that relays to us is taken at its
        // word when it names, first in its exchange, the neighbours that relay to it.
        int recommendations = relays(from) ? RECOMMENDED_PER_EXCHANGE : 0;
        for (org.parley.proto.wire.v1.PeerRecord proto : exchange.getRecordsList()) {
            try {
                PeerRecord record = verifier.verify(proto, clock.nowMillis());
                offer(from, record);
                if (recommendations-- > 0 && !record.peer().equals(self)) {
                    recommend(record.peer());
                }
            } catch (PeerRecordException e) {
                refuse(from, e);
            }
        }
    }

    private void recommend(PeerId peer) {
        recommended.remove(peer);
        recommended.add(peer);
        if (recommended.size() > RECOMMENDED_KEPT) {
            recommended.remove(recommended.iterator().next());
        }
    }

    /** Whether {@code peer}'s link brought us first copies and is not idle. */
    private boolean relays(PeerId peer) {
        return brought.getOrDefault(peer, 0L) > 0 && !isIdle(peer);
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

    /**
     * Sends {@code to} a sample of the records we hold, those of our neighbours that relay to us
     * first (a recommendation its receiver may act on if we relay to it), the rest drawn at random.
     */
    private void sendExchange(PeerId to) {
        long now = clock.nowMillis();
        List<PeerRecord> sample = new ArrayList<>();
        for (PeerId peer : pick(links.linkedPeers(), RECOMMENDED_PER_EXCHANGE,
                peer -> !peer.equals(to) && relays(peer))) {
            book.get(peer, now).ifPresent(sample::add);
        }
        List<PeerId> named = sample.stream().map(PeerRecord::peer).toList();
        sample.addAll(pick(book.records(now), config.exchangeSize() - sample.size(),
                record -> !record.peer().equals(to) && !named.contains(record.peer())));
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
        announceIfRenewed(links.linkedPeers());
        closeIdle(links.linkedPeers());
        List<PeerId> linked = links.linkedPeers();
        int missing = config.targetLinks() - linked.size();
        // Spared links come on top of the maximum: counted in, a public node holding many
        // private peers' links (which it may not trim) closed every other link it had.
        int excess = unspared(linked) - config.maxLinks();
        if (missing > 0) {
            dialMore(linked, missing);
            askTheBestRelay(linked);
        }
        if (excess > 0) {
            trim(linked, excess);
        } else if (missing <= 0 && linked.size() > 1 && rng.nextDouble() < EXPLORE_CHANCE) {
            // Now and then one link to a random known peer replaces an old one, even when there
            // are enough: a network that was split (a partition, a lost bootstrap) finds its way
            // back together, and no neighbourhood stays closed on itself. A node with a single
            // link keeps it: swapping it would cut the node off for a moment.
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

    /**
     * Asks the neighbour that brought us most first copies for records, at most once a
     * {@link DiscoveryConfig#redialAfter()}: its answer names first the peers relaying to it.
     */
    private void askTheBestRelay(List<PeerId> linked) {
        long now = clock.nowMillis();
        linked.stream().filter(this::relays).filter(peer -> !askedMillis.containsKey(peer))
                .max(java.util.Comparator.comparingLong(peer -> brought.getOrDefault(peer, 0L)))
                .ifPresent(best -> {
                    askedMillis.put(best, now);
                    links.send(best, Frame.newBuilder().setPeerExchange(PeerExchange.getDefaultInstance()).build());
                });
    }

    /** Dials {@code count} peers: recommended ones first, the rest drawn at random from the book. */
    private void dialMore(List<PeerId> linked, int count) {
        long now = clock.nowMillis();
        lastDialedMillis.values().removeIf(dialed -> now - dialed >= config.redialAfter().toMillis());
        askedMillis.values().removeIf(asked -> now - asked >= config.redialAfter().toMillis());
        shunnedUntil.values().removeIf(until -> until <= now);
        java.util.function.Predicate<PeerRecord> dialable = record -> !linked.contains(record.peer())
                && !lastDialedMillis.containsKey(record.peer()) && !shunnedUntil.containsKey(record.peer())
                && !record.addresses().isEmpty();
        List<PeerRecord> candidates = new ArrayList<>();
        for (PeerId peer : new ArrayList<>(recommended)) {
            if (candidates.size() == count) {
                break;
            }
            book.get(peer, now).filter(dialable).ifPresent(record -> {
                candidates.add(record);
                recommended.remove(peer);
            });
        }
        candidates.addAll(pick(book.records(now), count - candidates.size(),
                record -> dialable.test(record) && !candidates.contains(record)));
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

    /**
     * Closes up to {@link #IDLE_CLOSED_PER_BEAT} links of neighbours that share a topic with us
     * and relayed nothing of it while {@link #IDLE_MESSAGES} messages reached us, and shuns their
     * peers for a while; the next heartbeats dial others in their place.
     */
    private void closeIdle(List<PeerId> linked) {
        int closed = 0;
        long now = clock.nowMillis();
        for (PeerId peer : pick(linked, linked.size(), peer -> !spared.test(peer) && isIdle(peer))) {
            if (closed == IDLE_CLOSED_PER_BEAT) {
                return;
            }
            if (links.disconnect(peer, "relayed nothing of a shared topic")) {
                shunnedUntil.put(peer, now + SHUN_FOR.toMillis());
                closed++;
            }
        }
    }

    private boolean isIdle(PeerId peer) {
        return messagesSinceRelayed.applyAsLong(peer) >= IDLE_MESSAGES;
    }

    /**
     * Closes {@code count} links, never those spared: first shunned or idle ones, then inbound
     * before outbound, and within each the ones that brought fewest first copies; random among equals.
     */
    private void trim(List<PeerId> linked, int count) {
        int excess = count;
        long now = clock.nowMillis();
        List<PeerId> order = pick(linked, linked.size(), peer -> !spared.test(peer));
        order.sort(java.util.Comparator.<PeerId, Boolean>comparing(
                        peer -> !(isIdle(peer) || shunnedUntil.getOrDefault(peer, 0L) > now))
                .thenComparing(peer -> directions.get(peer) == Direction.OUTBOUND)
                .thenComparingLong(peer -> brought.getOrDefault(peer, 0L)));
        for (PeerId peer : order) {
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
