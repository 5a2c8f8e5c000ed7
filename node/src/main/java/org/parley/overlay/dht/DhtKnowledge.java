package org.parley.overlay.dht;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import org.parley.link.AddressProbe;
import org.parley.link.HostPort;
import org.parley.identity.PeerId;
import org.parley.overlay.discovery.Discovery;
import org.parley.overlay.record.PeerRecord;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;

/**
 * What the DHT knows of other peers: the routing table, the records of its contacts (live and
 * waiting, to serve in answers and to dial), and the records other peers asked us to keep. The
 * lookup driver, the server side and record publication all read and feed it. Confined to the
 * node's loop.
 */
final class DhtKnowledge {
    /** How often records of peers that left the routing table are dropped. */
    static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);

    private final PeerId self;
    private final Clock clock;
    private final Scheduler scheduler;
    private final Discovery discovery;
    private final RoutingTable table;
    /** Where a peer's direct link comes from, as the transport sees it: what the table's limits count. */
    private final Function<PeerId, Optional<HostPort>> linkedFrom;
    /** Records of the routing table's contacts (live and waiting), to serve in answers and to dial. */
    private final KeyedRecords contactRecords;
    /** Records other peers asked us to keep, as one of the k closest to their key. */
    private final KeyedRecords stored;
    /** Told of every peer that has just taken a place in the table after we heard from it. */
    private Consumer<Contact> newContacts = contact -> { };
    /** Asked to check the least recently seen contact of a bucket a newcomer found full. */
    private Consumer<Contact> pingWanted = contact -> { };
    private Scheduler.Cancellable sweepTimer;
    private boolean stopped;
    /** Null: every record with an address may take a place; else a peer must first answer there. */
    private ContactCheck check;
    /** Whether this node asks as a client only, being unreachable (see {@code FindNode.client}). */
    private BooleanSupplier clientOnly = () -> false;

    DhtKnowledge(PeerId self, Clock clock, Scheduler scheduler, DhtConfig config, Discovery discovery,
                 Function<PeerId, Optional<HostPort>> linkedFrom) {
        this.self = self;
        this.linkedFrom = linkedFrom;
        this.clock = clock;
        this.scheduler = scheduler;
        this.discovery = discovery;
        this.table = new RoutingTable(self, clock, config.table());
        // No cap of its own: the routing table bounds its contacts, and the sweep drops the rest.
        this.contactRecords = new KeyedRecords(Integer.MAX_VALUE);
        this.stored = new KeyedRecords(config.storeCapacity());
    }

    void onNewContact(Consumer<Contact> listener) {
        this.newContacts = listener;
    }

    void onPingWanted(Consumer<Contact> listener) {
        this.pingWanted = listener;
    }

    /** From now on a peer takes a place in the table only after {@code probe} reached it (see {@link ContactCheck}). */
    void checkContactsWith(AddressProbe probe) {
        this.check = new ContactCheck(probe, clock, record -> {
            if (!stopped) {
                learn(record);
            }
        });
    }

    void takePartAsClientWhile(BooleanSupplier unreachable) {
        this.clientOnly = unreachable;
    }

    boolean isClientOnly() {
        return clientOnly.getAsBoolean();
    }

    /** Drops the records of peers that left the table, every {@link #SWEEP_INTERVAL} until stopped. */
    void startSweeping() {
        if (stopped) {
            return;
        }
        sweepTimer = scheduler.schedule(SWEEP_INTERVAL, () -> {
            sweep();
            startSweeping();
        });
    }

    void stop() {
        stopped = true;
        if (sweepTimer != null) {
            sweepTimer.cancel();
        }
        if (check != null) {
            check.stop();
        }
    }

    /** A verified record of a peer we heard of: a candidate for the routing table. */
    void learn(PeerRecord record) {
        if (record.peer().equals(self) || record.addresses().isEmpty() || unproven(record)) {
            return;
        }
        RoutingTable.Insertion insertion = table.insert(record.peer(), record.addresses().get(0),
                linkedFrom.apply(record.peer()));
        RoutingTable.Outcome outcome = insertion.outcome();
        if (outcome == RoutingTable.Outcome.ADDED) {
            newContacts.accept(Contact.of(record.peer(), record.addresses().get(0), clock.nowMillis()));
        }
        if (outcome == RoutingTable.Outcome.ADDED || outcome == RoutingTable.Outcome.REFRESHED
                || outcome == RoutingTable.Outcome.BUCKET_FULL) {
            contactRecords.offer(record, clock.nowMillis());
        }
        insertion.toPing().ifPresent(pingWanted);
    }

    /**
     * A verified record another peer's answer named: it fills a free place in the routing table,
     * and nothing more. Learning only from the peers we talk to leaves neighbourhoods that formed
     * apart (nodes started together, each finding part of its neighbours) unknown to each other
     * for good: a lookup that reaches one part never hears of the other, which holds the record.
     * An answer's peer is not known to be alive, so it neither refreshes a contact nor displaces
     * one we heard from ourselves, and it is not introduced to: a liar's picks can only take
     * places nobody else wanted, within the table's per-network limits.
     */
    void learnFromAnswer(PeerRecord record) {
        if (record.peer().equals(self) || record.addresses().isEmpty() || table.contains(record.peer())
                || unproven(record)) {
            return;
        }
        if (table.insert(record.peer(), record.addresses().get(0), linkedFrom.apply(record.peer())).outcome()
                == RoutingTable.Outcome.ADDED) {
            contactRecords.offer(record, clock.nowMillis());
        }
    }

    /**
     * Whether {@code record}'s peer, not a contact yet, has still to be reached at its address
     * before it may become one; if so, the check is started and the record learned once it passes.
     */
    private boolean unproven(PeerRecord record) {
        if (check == null || table.contains(record.peer()) || check.wasReached(record)) {
            return false;
        }
        check.check(record);
        return true;
    }

    /** Keeps a record its peer asked us to keep. */
    void keep(PeerRecord record) {
        stored.offer(record, clock.nowMillis());
    }

    /** A contact that broke the protocol: out of the table, its record forgotten. */
    void drop(PeerId peer) {
        table.remove(peer);
        contactRecords.remove(peer);
    }

    /** A contact answered a ping: it keeps its place as the most recently seen of its bucket. */
    void alive(PeerId peer) {
        table.alive(peer);
    }

    /** Kademlia's eviction: a contact that does not answer gives its place to a waiting one. */
    void unresponsive(PeerId peer) {
        if (table.failed(peer)) {
            contactRecords.remove(peer);
        }
    }

    /** The newest record of {@code peer} this node holds, from discovery, the table's contacts or what was stored. */
    Optional<PeerRecord> heldRecord(PeerId peer) {
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

    /** The record of the contact (or waiting contact) whose key is {@code key}. */
    Optional<PeerRecord> contactRecord(DhtKey key) {
        return contactRecords.get(key, clock.nowMillis());
    }

    /** The record kept under {@code key} because its peer asked us to. */
    Optional<PeerRecord> storedRecord(DhtKey key) {
        return stored.get(key, clock.nowMillis());
    }

    /** Up to {@code count} live contacts closest to {@code key}, closest first. */
    List<Contact> closest(DhtKey key, int count) {
        return table.closest(key, count);
    }

    /**
     * The records of up to {@code count} contacts closest to {@code key}, closest first, leaving
     * out {@code leftOut} (null for none).
     */
    List<PeerRecord> closestRecords(DhtKey key, int count, PeerId leftOut) {
        long now = clock.nowMillis();
        List<PeerRecord> closest = new ArrayList<>();
        for (Contact contact : table.closest(key, count + 1)) {
            if (!contact.peer().equals(leftOut) && closest.size() < count) {
                contactRecords.get(contact.key(), now).ifPresent(closest::add);
            }
        }
        return closest;
    }

    /** Whether {@code peer} is a live contact (not merely waiting for a place). */
    boolean isContact(PeerId peer) {
        return table.contains(peer);
    }

    /** The deepest bucket of the routing table holding a contact; -1 when it is empty. */
    int deepestBucket() {
        return table.deepestBucket();
    }

    int contacts() {
        return table.size();
    }

    /** The records of every live contact, in no particular order. */
    List<PeerRecord> contactRecords() {
        long now = clock.nowMillis();
        List<PeerRecord> records = new ArrayList<>();
        for (Contact contact : table.contacts()) {
            contactRecords.get(contact.key(), now).ifPresent(records::add);
        }
        return records;
    }

    int storedRecords() {
        return stored.all(clock.nowMillis()).size();
    }

    /** Drops the records of peers that are no longer contacts or waiting to become one. */
    void sweep() {
        Set<PeerId> keep = new HashSet<>();
        table.contacts().forEach(contact -> keep.add(contact.peer()));
        for (int i = 0; i < DhtKey.SIZE_BITS; i++) {
            table.replacements(i).forEach(contact -> keep.add(contact.peer()));
        }
        contactRecords.retainPeers(keep);
    }

    static PeerRecord newer(PeerRecord a, PeerRecord b) {
        return Long.compareUnsigned(b.sequence(), a.sequence()) > 0 ? b : a;
    }
}
