package org.parley.overlay.dht;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.LinkControl;
import org.parley.link.LinkEvents;
import org.parley.link.PeerInfo;
import org.parley.overlay.discovery.Discovery;
import org.parley.overlay.record.PeerRecord;
import org.parley.overlay.record.PeerRecordException;
import org.parley.overlay.record.RecordRejection;
import org.parley.proto.wire.v1.DhtMessage;
import org.parley.proto.wire.v1.FindNode;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.Nodes;
import org.parley.proto.wire.v1.StoreRecord;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;

/**
 * The Kademlia DHT of a running node: finds a peer's current record from its peer ID, answers
 * other peers' FindNode requests, and keeps our own record with the k peers closest to our key.
 *
 * <p>The routing table is fed with the records discovery verifies (every link starts with both
 * sides' records, and peer exchange brings more) and with the peers that answer our queries. A
 * lookup asks linked contacts directly and dials the others once, so it reaches peers this node
 * has never been linked to. Every record in an answer is verified; an answer no honest peer sends
 * (unasked for, oversized, with a forged or malformed record, a key of the wrong size) is dropped
 * whole and its sender scored down through {@link LinkControl#penalize}.
 *
 * <p>Sans-I/O: time from the {@link Clock}, timers from the {@link Scheduler}, links through
 * {@link LinkControl}. Confined to the node's loop, where futures it returns also complete.
 */
public final class DhtService implements LinkEvents {
    private static final Logger LOG = Logger.getLogger(DhtService.class.getName());
    /** A request or answer no honest peer builds: a key of the wrong size, a missing body or record. */
    static final double PENALTY_MALFORMED = 20;
    /** An answer with more than k records. */
    static final double PENALTY_OVERSIZED_ANSWER = 20;
    /** An answer to a question nobody asked (late answers to timed-out queries excepted). */
    static final double PENALTY_UNSOLICITED = 10;
    /** A StoreRecord of somebody else's record: peers publish their own. */
    static final double PENALTY_NOT_OWN_RECORD = 25;
    /** Timed-out queries remembered, so that their late answers are not taken for unsolicited ones. */
    private static final int REMEMBERED_TIMEOUTS = 1024;
    /** How often records of peers that left the routing table are dropped. */
    private static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);

    /** A FindNode sent for a lookup. Its timer first reports it stalled, then times it out. */
    private static final class Query {
        final long id;
        final PeerId peer;
        final LookupRun run;
        Scheduler.Cancellable timer;

        Query(long id, PeerId peer, LookupRun run) {
            this.id = id;
            this.peer = peer;
            this.run = run;
        }
    }

    private final PeerId self;
    private final DhtKey selfKey;
    private final LinkControl links;
    private final Scheduler scheduler;
    private final Clock clock;
    private final DhtConfig config;
    private final Discovery discovery;
    private final RoutingTable table;
    /** Records of the routing table's contacts (live and waiting), to serve in answers and to dial. */
    private final KeyedRecords contactRecords;
    /** Records other peers asked us to keep, as one of the k closest to their key. */
    private final KeyedRecords stored;
    private final Map<Long, Query> queries = new HashMap<>();
    /** Peers being dialed for queries, with the queries waiting for the link. */
    private final Map<PeerId, List<Long>> dialing = new HashMap<>();
    private final Map<Long, PeerId> timedOut = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, PeerId> eldest) {
            return size() > REMEMBERED_TIMEOUTS;
        }
    };
    private final Set<LookupRun> running = new HashSet<>();
    /** Frames for peers being dialed to receive them (our record for a close peer), sent when the link is up. */
    private final Map<PeerId, List<Frame>> awaitingLink = new HashMap<>();
    /** Peers that were given our current record: a close peer learned later gets it at once. */
    private final Set<PeerId> holders = new HashSet<>();
    /** The record {@link #holders} hold; a renewed one starts over. */
    private PeerRecord heldByHolders;
    private boolean publishedOnce;
    /** Until the next publication after a successful one: doubles from the first delay up to the republish interval. */
    private Duration nextRepublication;
    private long nextRequestId = 1;
    private Scheduler.Cancellable publishTimer;
    private Scheduler.Cancellable sweepTimer;
    private boolean stopped;

    public DhtService(PeerId self, LinkControl links, Scheduler scheduler, Clock clock, DhtConfig config,
                      Discovery discovery) {
        this.self = self;
        this.selfKey = DhtKey.ofPeer(self);
        this.links = links;
        this.scheduler = scheduler;
        this.clock = clock;
        this.config = config;
        this.discovery = discovery;
        this.table = new RoutingTable(self, clock, config.table());
        // No cap of its own: the routing table bounds its contacts, and the sweep drops the rest.
        this.contactRecords = new KeyedRecords(Integer.MAX_VALUE);
        this.stored = new KeyedRecords(config.storeCapacity());
    }

    /**
     * Starts listening to discovery's records and publishes our own record once the node has had
     * {@code firstPublication} to link up, then every republish interval and on every renewal.
     */
    public void start(Duration firstPublication) {
        discovery.addRecordListener(this::learn);
        discovery.addOwnRecordListener(record -> publishNow());
        nextRepublication = firstPublication.compareTo(config.republishInterval()) < 0 ? firstPublication
                : config.republishInterval();
        schedulePublication(firstPublication);
        scheduleSweep();
    }

    public void stop() {
        stopped = true;
        if (publishTimer != null) {
            publishTimer.cancel();
        }
        if (sweepTimer != null) {
            sweepTimer.cancel();
        }
        queries.values().forEach(query -> query.timer.cancel());
        queries.clear();
        dialing.clear();
        awaitingLink.clear();
        new ArrayList<>(running).forEach(this::finish);
    }

    /**
     * Finds {@code peer}'s current record: at once (0 hops) when this node holds it, else by an
     * iterative lookup. Completes on the loop, with an empty record when nobody had it in time.
     */
    public CompletableFuture<LookupResult> lookup(PeerId peer) {
        if (peer.equals(self)) {
            return CompletableFuture.completedFuture(new LookupResult(Optional.of(discovery.ownRecord()), 0, 0));
        }
        Optional<PeerRecord> held = heldRecord(peer);
        if (held.isPresent() || stopped) {
            return CompletableFuture.completedFuture(new LookupResult(held, 0, 0));
        }
        // Asks on past the k closest while the record has not turned up (see IterativeLookup).
        DhtKey key = DhtKey.ofPeer(peer);
        return startRun(new IterativeLookup(key, self, table.closest(key, config.lookup().k()), config.lookup(),
                true), Optional.of(peer)).result;
    }

    /**
     * Looks up the k peers closest to {@code peer}'s key in the network (not only our table) and
     * completes, on the loop, with the records of those that answered, closest first, leaving out
     * {@code peer} itself. For the mailbox's repair: a replica far from a key knows few of the
     * peers really responsible for it.
     */
    public CompletableFuture<List<PeerRecord>> closestPeers(PeerId peer) {
        if (stopped) {
            return CompletableFuture.completedFuture(List.of());
        }
        DhtKey key = DhtKey.ofPeer(peer);
        LookupRun run = startRun(new IterativeLookup(key, self, table.closest(key, config.lookup().k()),
                config.lookup()), Optional.empty());
        return run.result.thenApply(ignored -> run.lookup.result().stream()
                .filter(contact -> !contact.peer().equals(peer))
                .map(contact -> run.candidateRecord(contact.peer()).or(() -> discovery.recordOf(contact.peer())))
                .flatMap(Optional::stream)
                .toList());
    }

    /**
     * The records of up to {@code count} routing-table contacts closest to {@code peer}'s key,
     * closest first, leaving out {@code peer} itself: the peers responsible for its mailbox, as
     * far as this node knows them (no lookup; the table is what the node learned by linking).
     */
    public List<PeerRecord> closestContacts(PeerId peer, int count) {
        return closestContacts(DhtKey.ofPeer(peer), count, peer);
    }

    /**
     * The records of up to {@code count} routing-table contacts closest to {@code key}, closest
     * first: the peers responsible for what is kept under a key that names no peer (a group
     * topic's held posts), as far as this node knows them.
     */
    public List<PeerRecord> closestContacts(DhtKey key, int count) {
        return closestContacts(key, count, null);
    }

    private List<PeerRecord> closestContacts(DhtKey key, int count, PeerId leftOut) {
        long now = clock.nowMillis();
        List<PeerRecord> closest = new ArrayList<>();
        for (Contact contact : table.closest(key, count + 1)) {
            if (!contact.peer().equals(leftOut) && closest.size() < count) {
                contactRecords.get(contact.key(), now).ifPresent(closest::add);
            }
        }
        return closest;
    }

    /** Live contacts in the routing table. */
    public int contacts() {
        return table.size();
    }

    /** Records held because their peers asked us to. */
    public int storedRecords() {
        return stored.all(clock.nowMillis()).size();
    }

    // ---------------------------------------------------------------- link events

    @Override
    public void peerConnected(PeerInfo peer) {
        discovery.recordOf(peer.peerId()).ifPresent(this::learn);
        List<Frame> frames = awaitingLink.remove(peer.peerId());
        if (frames != null) {
            frames.forEach(frame -> links.send(peer.peerId(), frame));
        }
        List<Long> waiting = dialing.remove(peer.peerId());
        if (waiting == null) {
            return;
        }
        for (long id : waiting) {
            Query query = queries.get(id);
            if (query != null) {
                links.send(peer.peerId(), findNode(id, query.run.lookup.target()));
            }
        }
    }

    @Override
    public void peerDisconnected(PeerId peer) {
        // Queries sent on the lost link will not be answered: fail them now rather than at their
        // timeout. The peer keeps its place in the table: links are trimmed, not only lost.
        for (Query query : new ArrayList<>(queries.values())) {
            if (query.peer.equals(peer) && !dialing.containsKey(peer)) {
                forget(query.id);
                failInRun(query);
            }
        }
    }

    @Override
    public void frameReceived(PeerId from, Frame frame) {
        if (frame.getBodyCase() != Frame.BodyCase.DHT || stopped) {
            return;
        }
        DhtMessage message = frame.getDht();
        switch (message.getBodyCase()) {
            case FIND_NODE -> answerFindNode(from, message.getRequestId(), message.getFindNode());
            case NODES -> receiveNodes(from, message.getRequestId(), message.getNodes());
            case STORE_RECORD -> receiveStore(from, message.getStoreRecord());
            case BODY_NOT_SET -> links.penalize(from, PENALTY_MALFORMED, "DHT message without a body");
        }
    }

    // ---------------------------------------------------------------- serving others

    private void answerFindNode(PeerId from, long requestId, FindNode request) {
        if (request.getTarget().size() != DhtKey.SIZE_BYTES) {
            links.penalize(from, PENALTY_MALFORMED, "FindNode target of " + request.getTarget().size() + " bytes");
            return;
        }
        DhtKey target = DhtKey.fromRaw(request.getTarget().toByteArray());
        // Kademlia learns from questions too: whoever asks goes into the table. Without this a
        // node's close neighbourhood only knows it if it happened to be asked about it, and
        // lookups stop short of the peers that store a record.
        discovery.recordOf(from).ifPresent(this::learn);
        Nodes.Builder answer = Nodes.newBuilder();
        recordsClosestTo(target).forEach(record -> answer.addRecords(record.toProto()));
        links.send(from, Frame.newBuilder()
                .setDht(DhtMessage.newBuilder().setRequestId(requestId).setNodes(answer)).build());
    }

    /**
     * Up to k records, closest to {@code target} first: the target's own when we hold it, ours
     * when we are among the closest, and those of our closest contacts.
     */
    private List<PeerRecord> recordsClosestTo(DhtKey target) {
        long now = clock.nowMillis();
        Map<PeerId, PeerRecord> candidates = new HashMap<>();
        // Each candidate's key, known without hashing again: a record held under a key is that key's peer's.
        Map<PeerId, DhtKey> keys = new HashMap<>();
        for (Contact contact : table.closest(target, config.lookup().k())) {
            contactRecords.get(contact.key(), now).ifPresent(record -> {
                candidates.put(record.peer(), record);
                keys.put(record.peer(), contact.key());
            });
        }
        contactRecords.get(target, now).ifPresent(record -> {
            candidates.put(record.peer(), record);
            keys.put(record.peer(), target);
        });
        stored.get(target, now).ifPresent(record -> {
            candidates.merge(record.peer(), record, DhtService::newer);
            keys.put(record.peer(), target);
        });
        candidates.put(self, discovery.ownRecord());
        keys.put(self, selfKey);
        List<PeerRecord> closest = new ArrayList<>(candidates.values());
        closest.sort(Comparator.comparing(record -> keys.get(record.peer()), target.byDistance()));
        return closest.size() > config.lookup().k() ? closest.subList(0, config.lookup().k()) : closest;
    }

    private void receiveStore(PeerId from, StoreRecord request) {
        if (!request.hasRecord()) {
            links.penalize(from, PENALTY_MALFORMED, "StoreRecord without a record");
            return;
        }
        Optional<PeerRecord> record = verified(from, request.getRecord());
        if (record.isEmpty()) {
            return;
        }
        if (!record.get().peer().equals(from)) {
            links.penalize(from, PENALTY_NOT_OWN_RECORD, "asked us to store another peer's record");
            return;
        }
        learn(record.get());
        // Peers' views of who is closest differ honestly; a request we are not the right place
        // for is ignored, not punished.
        if (amongClosest(DhtKey.ofPeer(from))) {
            stored.offer(record.get(), clock.nowMillis());
        }
    }

    /** Whether this node is among the k closest to {@code key} it knows of. */
    private boolean amongClosest(DhtKey key) {
        List<Contact> closest = table.closest(key, config.lookup().k());
        return closest.size() < config.lookup().k()
                || key.compareDistances(selfKey, closest.get(closest.size() - 1).key()) < 0;
    }

    // ---------------------------------------------------------------- our lookups

    private LookupRun startRun(IterativeLookup lookup, Optional<PeerId> target) {
        LookupRun run = new LookupRun(lookup, target);
        running.add(run);
        run.deadline = scheduler.schedule(config.lookupDeadline(), () -> finish(run));
        drive(run);
        return run;
    }

    /** Sends the queries the lookup hands out, until it waits for answers or is finished. */
    private void drive(LookupRun run) {
        while (!run.done) {
            if (run.lookup.isFinished()) {
                finish(run);
                return;
            }
            List<Contact> batch = run.lookup.nextQueries();
            boolean anyFailed = false;
            for (Contact contact : batch) {
                if (!ask(run, contact)) {
                    run.lookup.failed(contact.peer());
                    anyFailed = true;
                }
            }
            if (!anyFailed && !run.lookup.isFinished()) {
                return;
            }
        }
    }

    /** Sends a FindNode to {@code contact}, dialing it first if need be; false when it cannot be asked now. */
    private boolean ask(LookupRun run, Contact contact) {
        PeerId peer = contact.peer();
        long id = nextRequestId++;
        if (links.isConnected(peer)) {
            if (!links.send(peer, findNode(id, run.lookup.target()))) {
                return false;
            }
            track(id, peer, run, config.queryTimeout());
            return true;
        }
        List<Long> waiting = dialing.get(peer);
        if (waiting == null) {
            if (dialing.size() >= config.maxPendingDials()) {
                return false;
            }
            waiting = new ArrayList<>();
            dialing.put(peer, waiting);
            links.dialOnce(DialTarget.peerAt(peer, contact.address()));
        }
        waiting.add(id);
        track(id, peer, run, config.dialTimeout().plus(config.queryTimeout()));
        return true;
    }

    /**
     * Awaits the answer to query {@code id}: reported stalled to its lookup after the stall time
     * (when that is shorter than {@code timeout}), failed after {@code timeout}.
     */
    private void track(long id, PeerId peer, LookupRun run, Duration timeout) {
        Query query = new Query(id, peer, run);
        queries.put(id, query);
        Duration stall = config.queryStall();
        if (stall.compareTo(timeout) >= 0) {
            query.timer = scheduler.schedule(timeout, () -> timeOut(id));
            return;
        }
        query.timer = scheduler.schedule(stall, () -> {
            query.timer = scheduler.schedule(timeout.minus(stall), () -> timeOut(id));
            if (!run.done) {
                run.lookup.stalled(peer);
                drive(run);
            }
        });
    }

    private void timeOut(long id) {
        Query query = forget(id);
        if (query == null) {
            return;
        }
        timedOut.put(id, query.peer);
        // Kademlia's eviction: a contact that does not answer gives its place to a waiting one.
        if (table.failed(query.peer)) {
            contactRecords.remove(query.peer);
        }
        failInRun(query);
    }

    private void failInRun(Query query) {
        if (!query.run.done) {
            query.run.lookup.failed(query.peer);
            drive(query.run);
        }
    }

    private void receiveNodes(PeerId from, long requestId, Nodes answer) {
        Query query = queries.get(requestId);
        if (query == null || !query.peer.equals(from)) {
            if (!from.equals(timedOut.get(requestId))) {
                links.penalize(from, PENALTY_UNSOLICITED, "DHT answer to no question of ours");
            }
            return;
        }
        forget(requestId);
        LookupRun run = query.run;
        List<PeerRecord> records = checkedAnswer(from, answer);
        if (records == null) {
            table.remove(from);
            contactRecords.remove(from);
            if (!run.done) {
                run.lookup.failed(from);
                drive(run);
            }
            return;
        }
        if (run.done) {
            return;
        }
        List<Contact> contacts = new ArrayList<>();
        long now = clock.nowMillis();
        for (PeerRecord record : records) {
            if (!record.addresses().isEmpty()) {
                contacts.add(Contact.of(record.peer(), record.addresses().get(0), now));
            }
        }
        int offencesBefore = run.lookup.offences().size();
        run.lookup.responded(from, contacts);
        List<IterativeLookup.Offence> offences = run.lookup.offences();
        if (offences.size() > offencesBefore) {
            links.penalize(from, PENALTY_MALFORMED, offences.get(offences.size() - 1).reason());
            table.remove(from);
            contactRecords.remove(from);
            drive(run);
            return;
        }
        responderRecord(run, from).ifPresent(this::learn);
        records.forEach(run::heard);
        records.forEach(this::learnFromAnswer);
        if (run.checkFound(run.lookup.hopsTo(from) + 1)) {
            finish(run);
            return;
        }
        drive(run);
    }

    /** The verified records of an answer, or null when it must be dropped whole (its sender is penalized). */
    private List<PeerRecord> checkedAnswer(PeerId from, Nodes answer) {
        if (answer.getRecordsCount() > config.lookup().k()) {
            links.penalize(from, PENALTY_OVERSIZED_ANSWER, "DHT answer of " + answer.getRecordsCount() + " records");
            return null;
        }
        List<PeerRecord> records = new ArrayList<>();
        long now = clock.nowMillis();
        for (org.parley.proto.wire.v1.PeerRecord proto : answer.getRecordsList()) {
            try {
                records.add(discovery.verifier().verify(proto, now));
            } catch (PeerRecordException e) {
                refuse(from, e);
                // Clocks differ, so an honest peer may pass on a record that has just expired here.
                if (e.rejection() != RecordRejection.EXPIRED) {
                    return null;
                }
            }
        }
        return records;
    }

    private Optional<PeerRecord> responderRecord(LookupRun run, PeerId responder) {
        Optional<PeerRecord> heard = run.candidateRecord(responder);
        return heard.isPresent() ? heard : contactRecords.get(DhtKey.ofPeer(responder), clock.nowMillis());
    }

    private void finish(LookupRun run) {
        if (run.done) {
            return;
        }
        run.done = true;
        running.remove(run);
        if (run.deadline != null) {
            run.deadline.cancel();
        }
        run.result.complete(run.outcome());
    }

    private Query forget(long id) {
        Query query = queries.remove(id);
        if (query == null) {
            return null;
        }
        query.timer.cancel();
        List<Long> waiting = dialing.get(query.peer);
        if (waiting != null) {
            waiting.remove(id);
            if (waiting.isEmpty()) {
                dialing.remove(query.peer);
            }
        }
        return query;
    }

    // ---------------------------------------------------------------- our own record

    private void publishNow() {
        if (publishTimer != null) {
            publishTimer.cancel();
        }
        publish();
    }

    private void schedulePublication(Duration delay) {
        if (!stopped) {
            publishTimer = scheduler.schedule(delay, this::publish);
        }
    }

    /** Finds the k peers closest to our key and gives each our record to keep. */
    private void publish() {
        if (stopped) {
            return;
        }
        // Asks on past the k closest too: every peer asked learns of us, and the neighbourhood
        // found by our own lookup is not always the one other peers' lookups arrive at.
        LookupRun run = startRun(new IterativeLookup(selfKey, self, table.closest(selfKey, config.lookup().k()),
                config.lookup(), true), Optional.empty());
        run.result.thenRun(() -> {
            publishedOnce = true;
            int sent = 0;
            for (Contact contact : run.lookup.result()) {
                if (giveOwnRecord(contact)) {
                    sent++;
                }
            }
            int published = sent;
            LOG.fine(() -> "published our record to " + published + " peers");
            if (published == 0) {
                schedulePublication(config.publishRetry());
            } else {
                schedulePublication(nextRepublication);
                Duration doubled = nextRepublication.multipliedBy(2);
                nextRepublication = doubled.compareTo(config.republishInterval()) < 0 ? doubled
                        : config.republishInterval();
            }
        });
    }

    /**
     * Sends our record to {@code contact} to keep, dialing it when there is no link: the closest
     * peers a lookup found are rarely our neighbours, and the links it opened to ask them may
     * already be trimmed. False when it cannot be sent now.
     */
    private boolean giveOwnRecord(Contact contact) {
        PeerRecord own = discovery.ownRecord();
        if (!own.equals(heldByHolders)) {
            heldByHolders = own;
            holders.clear();
        }
        Frame store = Frame.newBuilder().setDht(DhtMessage.newBuilder()
                .setStoreRecord(StoreRecord.newBuilder().setRecord(own.toProto()))).build();
        if (!deliver(contact, store)) {
            return false;
        }
        holders.add(contact.peer());
        return true;
    }

    /** Sends {@code frame} to {@code contact} now, or once a link to it is up; false when it cannot. */
    private boolean deliver(Contact contact, Frame frame) {
        PeerId peer = contact.peer();
        if (links.isConnected(peer)) {
            return links.send(peer, frame);
        }
        List<Frame> waiting = awaitingLink.get(peer);
        if (waiting == null) {
            if (awaitingLink.size() >= config.lookup().k() * 2) {
                return false;
            }
            List<Frame> fresh = new ArrayList<>();
            awaitingLink.put(peer, fresh);
            if (!dialing.containsKey(peer)) {
                links.dialOnce(DialTarget.peerAt(peer, contact.address()));
            }
            scheduler.schedule(config.dialTimeout(), () -> awaitingLink.remove(peer, fresh));
            waiting = fresh;
        }
        waiting.add(frame);
        return true;
    }

    /**
     * A peer that has just become one of the k closest we know to our key gets our record at
     * once, once our first publication is out: nodes that started together found only part of
     * their neighbourhood then, and the rest turns up as lookups and answers bring it in.
     */
    private void introduce(Contact contact) {
        if (!publishedOnce || holders.contains(contact.peer()) && discovery.ownRecord().equals(heldByHolders)) {
            return;
        }
        if (table.closest(selfKey, config.lookup().k()).stream().anyMatch(c -> c.peer().equals(contact.peer()))) {
            giveOwnRecord(contact);
        }
    }

    // ---------------------------------------------------------------- records

    /**
     * A verified record another peer's answer named: it fills a free place in the routing table,
     * and nothing more. Learning only from the peers we talk to leaves neighbourhoods that formed
     * apart (nodes started together, each finding part of its neighbours) unknown to each other
     * for good: a lookup that reaches one part never hears of the other, which holds the record.
     * An answer's peer is not known to be alive, so it neither refreshes a contact nor displaces
     * one we heard from ourselves, and it is not introduced to: a liar's picks can only take
     * places nobody else wanted, within the table's per-network limits.
     */
    private void learnFromAnswer(PeerRecord record) {
        if (record.peer().equals(self) || record.addresses().isEmpty() || table.contains(record.peer())) {
            return;
        }
        if (table.insert(record.peer(), record.addresses().get(0)).outcome() == RoutingTable.Outcome.ADDED) {
            contactRecords.offer(record, clock.nowMillis());
        }
    }

    /** A verified record of a peer we heard of: a candidate for the routing table. */
    private void learn(PeerRecord record) {
        if (record.peer().equals(self) || record.addresses().isEmpty()) {
            return;
        }
        RoutingTable.Outcome outcome = table.insert(record.peer(), record.addresses().get(0)).outcome();
        if (outcome == RoutingTable.Outcome.ADDED) {
            introduce(Contact.of(record.peer(), record.addresses().get(0), clock.nowMillis()));
        }
        if (outcome == RoutingTable.Outcome.ADDED || outcome == RoutingTable.Outcome.REFRESHED
                || outcome == RoutingTable.Outcome.BUCKET_FULL) {
            contactRecords.offer(record, clock.nowMillis());
        }
    }

    private Optional<PeerRecord> heldRecord(PeerId peer) {
        long now = clock.nowMillis();
        DhtKey key = DhtKey.ofPeer(peer);
        Optional<PeerRecord> best = discovery.recordOf(peer);
        for (Optional<PeerRecord> other : List.of(contactRecords.get(key, now), stored.get(key, now))) {
            if (other.isPresent()) {
                best = Optional.of(best.map(held -> newer(held, other.get())).orElse(other.get()));
            }
        }
        return best;
    }

    private Optional<PeerRecord> verified(PeerId from, org.parley.proto.wire.v1.PeerRecord proto) {
        try {
            return Optional.of(discovery.verifier().verify(proto, clock.nowMillis()));
        } catch (PeerRecordException e) {
            refuse(from, e);
            return Optional.empty();
        }
    }

    private void refuse(PeerId from, PeerRecordException e) {
        if (e.rejection().penalty() > 0) {
            links.penalize(from, e.rejection().penalty(), "DHT record: " + e.rejection().label());
        }
    }

    /** Drops the records of peers that are no longer contacts or waiting to become one. */
    private void scheduleSweep() {
        if (stopped) {
            return;
        }
        sweepTimer = scheduler.schedule(SWEEP_INTERVAL, () -> {
            Set<PeerId> keep = new HashSet<>();
            table.contacts().forEach(contact -> keep.add(contact.peer()));
            for (int i = 0; i < DhtKey.SIZE_BITS; i++) {
                table.replacements(i).forEach(contact -> keep.add(contact.peer()));
            }
            contactRecords.retainPeers(keep);
            scheduleSweep();
        });
    }

    private static Frame findNode(long id, DhtKey target) {
        return Frame.newBuilder().setDht(DhtMessage.newBuilder().setRequestId(id)
                .setFindNode(FindNode.newBuilder().setTarget(ByteString.copyFrom(target.toBytes())))).build();
    }

    private static PeerRecord newer(PeerRecord a, PeerRecord b) {
        return Long.compareUnsigned(b.sequence(), a.sequence()) > 0 ? b : a;
    }
}
