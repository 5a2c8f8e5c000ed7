package org.parley.overlay.dht;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.parley.identity.PeerId;
import org.parley.link.HostPort;
import org.parley.runtime.Clock;

/**
 * Kademlia's routing table: for each prefix length shared with the local key, a bucket of at most
 * k contacts. Buckets near the local key are sparse and the far ones fill first, so a node knows
 * its own neighbourhood well and the rest of the network coarsely, which is what makes a lookup
 * take logarithmically many hops.
 *
 * <p>A full bucket prefers the contacts it has: a peer that has stayed up for long is likely to
 * stay up longer, and an attacker cannot flush honest contacts by showing up in numbers. The
 * newcomer waits in a bounded replacement cache, and the caller is told to ping the least recently
 * seen contact; only if that ping fails ({@link #failed}) does the newcomer take its place.
 *
 * <p>Sybil limits cap contacts per IPv4 /24 or IPv6 /64, per bucket and in the whole table,
 * counted by the address a peer's direct link comes from where it has had one.
 * Sans-I/O and confined to the node's loop: it never pings anyone itself.
 */
public final class RoutingTable {
    /** What {@link #insert} did. */
    public enum Outcome {
        /** The peer is now a live contact. */
        ADDED,
        /** The peer was already a live contact and is now the most recently seen of its bucket. */
        REFRESHED,
        /** The bucket is full: the peer waits as a replacement; ping {@link Insertion#toPing}. */
        BUCKET_FULL,
        /** Its network block already has as many contacts as the limits allow. */
        PREFIX_LIMIT,
        /** It is this node. */
        SELF
    }

    /**
     * The outcome of an insertion, and for {@link Outcome#BUCKET_FULL} the least recently seen
     * contact of the bucket: report a pong with {@link #alive}, a timeout with {@link #failed}.
     */
    public record Insertion(Outcome outcome, Optional<Contact> toPing) {
        static Insertion of(Outcome outcome) {
            return new Insertion(outcome, Optional.empty());
        }
    }

    private final PeerId self;
    private final DhtKey localKey;
    private final Clock clock;
    private final RoutingTableConfig config;
    private final KBucket[] buckets = new KBucket[DhtKey.SIZE_BITS];
    private final Map<NetworkPrefix, Integer> livePerPrefix = new HashMap<>();
    private int size;

    public RoutingTable(PeerId self, Clock clock, RoutingTableConfig config) {
        this.self = self;
        this.localKey = DhtKey.ofPeer(self);
        this.clock = clock;
        this.config = config;
    }

    public PeerId self() {
        return self;
    }

    public DhtKey localKey() {
        return localKey;
    }

    public RoutingTableConfig config() {
        return config;
    }

    /**
     * Records that {@code peer} was heard from at {@code address}, with no direct link to say
     * where it is (see {@link #insert(PeerId, HostPort, Optional)}).
     */
    public Insertion insert(PeerId peer, HostPort address) {
        return insert(peer, address, Optional.empty());
    }

    /**
     * Records that {@code peer} was heard from at {@code address} (where its record says it can
     * be dialled), its direct link coming from {@code seenFrom} when it has one: adds it,
     * refreshes it (a new address too, if its block has room), or queues it as a replacement
     * when its bucket is full.
     *
     * <p>The per-block limits count where the peer's direct link came from (the latest such
     * link, kept while it has none), and only for a peer never linked directly the address its
     * record claims: a record's addresses are whatever its signer writes, so one operator could
     * otherwise name a different block in each of its identities' records while all of them
     * connect from its own. A contact whose link turns out to come from a block that is already
     * full leaves the table.
     */
    public Insertion insert(PeerId peer, HostPort address, Optional<HostPort> seenFrom) {
        if (peer.equals(self)) {
            return Insertion.of(Outcome.SELF);
        }
        DhtKey key = DhtKey.ofPeer(peer);
        KBucket bucket = bucketFor(key);
        long now = clock.nowMillis();
        Contact known = bucket.live(peer);
        if (known != null) {
            Contact seen = known.seenAt(now, address, seenFrom.orElse(known.seenFrom()));
            NetworkPrefix knownPrefix = known.prefix();
            NetworkPrefix prefix = seen.prefix();
            if (!knownPrefix.equals(prefix) && !hasRoom(bucket, prefix)) {
                if (seenFrom.isPresent() && !NetworkPrefix.of(seenFrom.get()).equals(knownPrefix)) {
                    remove(peer);
                }
                return Insertion.of(Outcome.PREFIX_LIMIT);
            }
            uncount(knownPrefix);
            count(prefix);
            bucket.putLive(seen);
            return Insertion.of(Outcome.REFRESHED);
        }
        Contact contact = new Contact(peer, key, address, now, seenFrom.orElse(null));
        NetworkPrefix prefix = contact.prefix();
        if (!hasRoom(bucket, prefix)) {
            return Insertion.of(Outcome.PREFIX_LIMIT);
        }
        if (bucket.liveCount() < config.bucketSize()) {
            bucket.removeReplacement(peer);
            addLive(bucket, contact, prefix);
            return Insertion.of(Outcome.ADDED);
        }
        if (!replacementsHaveRoom(bucket, peer, prefix)) {
            return Insertion.of(Outcome.PREFIX_LIMIT);
        }
        bucket.putReplacement(contact, config.replacementsPerBucket());
        return new Insertion(Outcome.BUCKET_FULL, bucket.leastRecentlySeen());
    }

    /** A live contact answered (a pong): it becomes the most recently seen of its bucket. */
    public boolean alive(PeerId peer) {
        KBucket bucket = bucketFor(DhtKey.ofPeer(peer));
        Contact known = bucket.live(peer);
        if (known == null) {
            return false;
        }
        bucket.putLive(known.seenAt(clock.nowMillis(), known.address()));
        return true;
    }

    /**
     * A contact did not answer a ping or a query: it is evicted and the newest replacement that
     * fits the limits takes its place.
     */
    public boolean failed(PeerId peer) {
        return remove(peer);
    }

    /**
     * Drops a peer (banned, scored down, gone) from the live contacts or the replacements; a live
     * one is replaced by the newest replacement that fits the limits.
     */
    public boolean remove(PeerId peer) {
        KBucket bucket = bucketFor(DhtKey.ofPeer(peer));
        Contact gone = bucket.removeLive(peer);
        if (gone == null) {
            return bucket.removeReplacement(peer);
        }
        uncount(gone.prefix());
        size--;
        promoteReplacement(bucket);
        return true;
    }

    public boolean contains(PeerId peer) {
        return bucketFor(DhtKey.ofPeer(peer)).isLive(peer);
    }

    /**
     * The up to {@code n} live contacts closest to {@code key}, closest first. Walks the buckets
     * in order of their distance to {@code key} instead of sorting the whole table, and sorts
     * only the buckets it takes from. With {@code d} the prefix length {@code key} shares with
     * the local key: bucket {@code d}'s contacts agree with {@code key} up to bit {@code d} and
     * come first. Every deeper bucket's contacts first differ from it at bit {@code d}; among
     * them, bucket {@code j} is closer than all deeper ones where {@code key} differs from the
     * local key at bit {@code j} (its contacts do too), and farther where it agrees: so the
     * differing ones follow, shallow to deep, then the agreeing ones, deep to shallow. Last come
     * the buckets below {@code d}, whose contacts first differ from {@code key} at their index.
     */
    public List<Contact> closest(DhtKey key, int n) {
        Comparator<Contact> byDistance = Comparator.comparing(Contact::key, key.byDistance());
        List<Contact> closest = new ArrayList<>(Math.min(n, size));
        int shared = localKey.commonPrefixLength(key);
        if (shared < DhtKey.SIZE_BITS) {
            takeClosest(shared, byDistance, closest, n);
            for (int j = shared + 1; j < DhtKey.SIZE_BITS && closest.size() < n; j++) {
                if (key.bit(j) != localKey.bit(j)) {
                    takeClosest(j, byDistance, closest, n);
                }
            }
            for (int j = DhtKey.SIZE_BITS - 1; j > shared && closest.size() < n; j--) {
                if (key.bit(j) == localKey.bit(j)) {
                    takeClosest(j, byDistance, closest, n);
                }
            }
        }
        for (int j = Math.min(shared, DhtKey.SIZE_BITS) - 1; j >= 0 && closest.size() < n; j--) {
            takeClosest(j, byDistance, closest, n);
        }
        return closest;
    }

    /** Moves the closest live contacts of bucket {@code index} into {@code closest} until it holds {@code n}. */
    private void takeClosest(int index, Comparator<Contact> byDistance, List<Contact> closest, int n) {
        KBucket bucket = buckets[index];
        if (bucket == null || bucket.liveCount() == 0 || closest.size() >= n) {
            return;
        }
        List<Contact> group = new ArrayList<>(bucket.liveContacts());
        group.sort(byDistance);
        closest.addAll(group.subList(0, Math.min(group.size(), n - closest.size())));
    }

    /** Every live contact, in no particular order. */
    public List<Contact> contacts() {
        List<Contact> all = new ArrayList<>(size);
        for (KBucket bucket : buckets) {
            if (bucket != null) {
                all.addAll(bucket.liveContacts());
            }
        }
        return all;
    }

    /** The live contacts of bucket {@code index} (keys sharing that many leading bits), least recently seen first. */
    public List<Contact> bucket(int index) {
        KBucket bucket = buckets[index];
        return bucket == null ? List.of() : new ArrayList<>(bucket.liveContacts());
    }

    /** The replacements waiting for bucket {@code index}, oldest first. */
    public List<Contact> replacements(int index) {
        KBucket bucket = buckets[index];
        return bucket == null ? List.of() : new ArrayList<>(bucket.replacements());
    }

    /** The deepest bucket (longest prefix shared with the local key) holding a live contact; -1 when none does. */
    public int deepestBucket() {
        for (int index = DhtKey.SIZE_BITS - 1; index >= 0; index--) {
            if (buckets[index] != null && buckets[index].liveCount() > 0) {
                return index;
            }
        }
        return -1;
    }

    /** Live contacts (replacements do not count). */
    public int size() {
        return size;
    }

    private KBucket bucketFor(DhtKey key) {
        int index = Math.min(localKey.commonPrefixLength(key), DhtKey.SIZE_BITS - 1);
        if (buckets[index] == null) {
            buckets[index] = new KBucket();
        }
        return buckets[index];
    }

    private void promoteReplacement(KBucket bucket) {
        for (Contact candidate : bucket.replacementsNewestFirst()) {
            NetworkPrefix prefix = candidate.prefix();
            if (hasRoom(bucket, prefix)) {
                bucket.removeReplacement(candidate.peer());
                addLive(bucket, candidate, prefix);
                return;
            }
        }
    }

    private void addLive(KBucket bucket, Contact contact, NetworkPrefix prefix) {
        bucket.putLive(contact);
        count(prefix);
        size++;
    }

    private boolean hasRoom(KBucket bucket, NetworkPrefix prefix) {
        return livePerPrefix.getOrDefault(prefix, 0) < config.maxPerPrefixInTable()
                && countIn(bucket.liveContacts(), prefix, null) < config.maxPerPrefixPerBucket();
    }

    /**
     * The replacement cache has the per-bucket block limit too, or one block could keep it full
     * of its own identities and push out every honest newcomer.
     */
    private boolean replacementsHaveRoom(KBucket bucket, PeerId peer, NetworkPrefix prefix) {
        return countIn(bucket.replacements(), prefix, peer) < config.maxPerPrefixPerBucket();
    }

    private static int countIn(Iterable<Contact> contacts, NetworkPrefix prefix, PeerId except) {
        int count = 0;
        for (Contact contact : contacts) {
            if (!contact.peer().equals(except) && contact.prefix().equals(prefix)) {
                count++;
            }
        }
        return count;
    }

    private void count(NetworkPrefix prefix) {
        livePerPrefix.merge(prefix, 1, Integer::sum);
    }

    private void uncount(NetworkPrefix prefix) {
        livePerPrefix.computeIfPresent(prefix, (p, count) -> count == 1 ? null : count - 1);
    }
}
