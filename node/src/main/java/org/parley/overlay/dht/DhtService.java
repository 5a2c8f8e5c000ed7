package org.parley.overlay.dht;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.parley.identity.PeerId;
import org.parley.link.LinkControl;
import org.parley.link.FrameHandler;
import org.parley.link.LinkEvents;
import org.parley.link.Misbehaviour;
import org.parley.link.PeerInfo;
import org.parley.overlay.discovery.Discovery;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.DhtMessage;
import org.parley.proto.wire.v1.Frame;
import org.parley.runtime.Clock;
import org.parley.runtime.Rng;
import org.parley.runtime.SeededRng;
import org.parley.runtime.Scheduler;

/**
 * The Kademlia DHT of a running node: finds a peer's current record from its peer ID, answers
 * other peers' FindNode requests, and keeps our own record with the k peers closest to our key.
 *
 * <p>A facade over six parts: {@link DhtKnowledge} (the routing table and the records held),
 * {@link LookupDriver} (our lookups), {@link DhtServer} (answering FindNode and StoreRecord),
 * {@link RecordPublisher} (our own record), {@link ContactPinger} (a full bucket's oldest contact
 * checked before a newcomer may take its place) and {@link BucketRefresher} (lookups through
 * buckets that went unvisited). The routing table is fed with the records discovery
 * verifies (every link starts with both sides' records, and peer exchange brings more) and with
 * the peers that answer our queries. A lookup asks linked contacts directly and dials the others
 * once, so it reaches peers this node has never been linked to. Every record in an answer is
 * verified; an answer no honest peer sends is dropped whole and its sender scored down through
 * {@link LinkControl#penalize}.
 *
 * <p>Sans-I/O: time from the {@link Clock}, timers from the {@link Scheduler}, links through
 * {@link LinkControl}. Confined to the node's loop, where futures it returns also complete.
 */
public final class DhtService implements LinkEvents, FrameHandler, PeerLookups {
    /** Contacts a second, disjoint record lookup may start from (see {@link #lookup}). */
    static final int DISJOINT_START = 80;

    private final PeerId self;
    private final LinkControl links;
    private final DhtConfig config;
    private final Discovery discovery;
    private final DhtKnowledge known;
    private final LookupDriver lookups;
    private final DhtServer server;
    private final RecordPublisher publisher;
    private final ContactPinger pinger;
    private final BucketRefresher refresher;
    private boolean stopped;

    /**
     * A DHT whose bucket refresh picks its random keys from a generator seeded with this node's
     * key: each node refreshes its own keys, and seeded runs replay.
     */
    public DhtService(PeerId self, LinkControl links, Scheduler scheduler, Clock clock, DhtConfig config,
                      Discovery discovery) {
        this(self, links, scheduler, clock, config, discovery,
                new SeededRng(java.nio.ByteBuffer.wrap(DhtKey.ofPeer(self).toBytes()).getLong()));
    }

    public DhtService(PeerId self, LinkControl links, Scheduler scheduler, Clock clock, DhtConfig config,
                      Discovery discovery, Rng rng) {
        this.self = self;
        this.links = links;
        this.config = config;
        this.discovery = discovery;
        this.known = new DhtKnowledge(self, clock, scheduler, config, discovery, links::remoteAddressOf);
        this.lookups = new LookupDriver(links, scheduler, clock, config, discovery, known);
        this.server = new DhtServer(self, links, clock, config, discovery, known);
        this.publisher = new RecordPublisher(self, links, scheduler, config, discovery, known, lookups);
        this.pinger = new ContactPinger(links, scheduler, config, known);
        this.refresher = new BucketRefresher(self, clock, scheduler, rng, config, known, lookups);
        lookups.onLookupStarted(refresher::lookedUp);
        known.onNewContact(publisher::introduce);
        known.onPingWanted(contact -> pinger.ping(contact, clock.nowMillis()));
    }

    /**
     * From now on a peer takes a place in the routing table only once {@code probe} has reached it
     * at the address its record gives (see {@link ContactCheck}): a node behind a NAT that claims
     * an address is never sent to others as a contact. Call before {@link #start}.
     */
    public void checkContactsWith(org.parley.link.AddressProbe probe) {
        known.checkContactsWith(probe);
    }

    /**
     * While {@code unreachable} holds, this node takes part as a client only: its questions say
     * so, and those it asks do not take it into their routing tables.
     */
    public void takePartAsClientWhile(java.util.function.BooleanSupplier unreachable) {
        known.takePartAsClientWhile(unreachable);
    }

    /**
     * Starts listening to discovery's records and publishes our own record once the node has had
     * {@code firstPublication} to link up, then every republish interval and on every renewal.
     */
    public void start(Duration firstPublication) {
        discovery.addRecordListener(known::learn);
        discovery.addOwnRecordListener(record -> publisher.publishNow());
        publisher.start(firstPublication);
        known.startSweeping();
        refresher.start();
    }

    public void stop() {
        stopped = true;
        publisher.stop();
        known.stop();
        lookups.stop();
        pinger.stop();
        refresher.stop();
    }

    /**
     * Finds {@code peer}'s current record: at once (0 hops) when this node holds it, else by an
     * iterative lookup. Completes on the loop, with an empty record when nobody had it in time.
     */
    @Override
    public CompletableFuture<LookupResult> lookup(PeerId peer) {
        if (peer.equals(self)) {
            return CompletableFuture.completedFuture(new LookupResult(Optional.of(discovery.ownRecord()), 0, 0));
        }
        Optional<PeerRecord> held = known.heldRecord(peer);
        if (held.isPresent() || stopped) {
            return CompletableFuture.completedFuture(new LookupResult(held, 0, 0));
        }
        // Asks on past the k closest while the record has not turned up (see IterativeLookup).
        DhtKey key = DhtKey.ofPeer(peer);
        LookupRun first = lookups.start(new IterativeLookup(key, self, known.closest(key, config.lookup().k()),
                config.lookup(), true), Optional.of(peer));
        return first.result.thenCompose(result -> result.record().isPresent() || stopped
                ? CompletableFuture.completedFuture(result) : lookUpDisjointly(peer, key, first, result));
    }

    /**
     * A lookup that ran out of peers to ask without the record may have met colluders only: its
     * k closest contacts answered with one another and nobody else (Sybils with IDs near the
     * target, or a table flooded with them). A second lookup then starts from the next closest
     * contacts of the table, up to {@link #DISJOINT_START} in all, and never asks nor takes as
     * candidates the peers the first one asked (S/Kademlia's disjoint paths, one after the other):
     * one honest peer among its start, whose answers lead on to honest peers near the target, is
     * enough. Costs nothing when the first finds the record.
     */
    private CompletableFuture<LookupResult> lookUpDisjointly(PeerId peer, DhtKey key, LookupRun first,
                                                             LookupResult missed) {
        Set<PeerId> asked = first.lookup.askedPeers();
        List<Contact> start = known.closest(key, DISJOINT_START).stream()
                .filter(contact -> !asked.contains(contact.peer())).toList();
        if (start.isEmpty()) {
            return CompletableFuture.completedFuture(missed);
        }
        return lookups.start(new IterativeLookup(key, self, start, config.lookup(), true, asked), Optional.of(peer))
                .result.thenApply(second -> new LookupResult(second.record(), missed.hops() + second.hops(),
                        missed.queries() + second.queries()));
    }

    /**
     * Finds {@code peer}'s newest record in the network even when this node holds one: the held
     * copy may predate a change (a node that found itself behind a NAT drops its address and names
     * relays). Completes, on the loop, with the newer of the held copy and what the lookup heard.
     */
    @Override
    public CompletableFuture<LookupResult> lookupNewest(PeerId peer) {
        Optional<PeerRecord> held = known.heldRecord(peer);
        if (peer.equals(self) || stopped) {
            return lookup(peer);
        }
        DhtKey key = DhtKey.ofPeer(peer);
        return lookups.start(new IterativeLookup(key, self, known.closest(key, config.lookup().k()), config.lookup(),
                true), Optional.of(peer)).result.thenApply(result -> {
                    Optional<PeerRecord> newest = result.record().filter(found -> found.peer().equals(peer));
                    if (held.isPresent()) {
                        newest = Optional.of(newest.map(found -> DhtKnowledge.newer(held.get(), found))
                                .orElse(held.get()));
                    }
                    return new LookupResult(newest, result.hops(), result.queries());
                });
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
        LookupRun run = lookups.start(new IterativeLookup(key, self, known.closest(key, config.lookup().k()),
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
        return known.closestRecords(DhtKey.ofPeer(peer), count, peer);
    }

    /**
     * The records of up to {@code count} routing-table contacts closest to {@code key}, closest
     * first: the peers responsible for what is kept under a key that names no peer (a group
     * topic's held posts), as far as this node knows them.
     */
    public List<PeerRecord> closestContacts(DhtKey key, int count) {
        return known.closestRecords(key, count, null);
    }

    /**
     * The records of the routing table's live contacts. A full bucket keeps the contacts it has
     * over newcomers while they answer, so Sybils arriving in numbers, or pushing their records
     * through peer exchange, take a smaller share of the table than of the record book.
     */
    public List<PeerRecord> contactRecords() {
        return known.contactRecords();
    }

    /** The newest record of {@code peer} this node holds, without asking anyone. */
    Optional<PeerRecord> heldRecord(PeerId peer) {
        return known.heldRecord(peer);
    }

    /** Live contacts in the routing table. */
    public int contacts() {
        return known.contacts();
    }

    /** Records held because their peers asked us to. */
    public int storedRecords() {
        return known.storedRecords();
    }

    // ---------------------------------------------------------------- link events

    @Override
    public void peerConnected(PeerInfo peer) {
        discovery.recordOf(peer.peerId()).ifPresent(known::learn);
        publisher.linkUp(peer.peerId());
        lookups.linkUp(peer.peerId());
        pinger.linkUp(peer.peerId());
    }

    @Override
    public void peerDisconnected(PeerId peer) {
        lookups.linkDown(peer);
    }

    /** Kademlia requests and answers. */
    @Override
    public Set<Frame.BodyCase> frameTypes() {
        return Set.of(Frame.BodyCase.DHT);
    }

    @Override
    public void frameReceived(PeerId from, Frame frame) {
        if (frame.getBodyCase() != Frame.BodyCase.DHT || stopped) {
            return;
        }
        DhtMessage message = frame.getDht();
        switch (message.getBodyCase()) {
            case FIND_NODE -> server.answerFindNode(from, message.getRequestId(), message.getFindNode());
            case NODES -> {
                if (!pinger.answered(from, message.getRequestId())) {
                    lookups.receiveNodes(from, message.getRequestId(), message.getNodes());
                }
            }
            case STORE_RECORD -> server.receiveStore(from, message.getStoreRecord());
            case BODY_NOT_SET -> links.penalize(from, Misbehaviour.MALFORMED, "DHT message without a body");
        }
    }
}
