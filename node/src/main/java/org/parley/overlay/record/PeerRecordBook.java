package org.parley.overlay.record;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;

/**
 * The newest verified record of each peer we have heard of, at most {@code capacity} of them,
 * each remembered with its source: the neighbour that passed it on (a peer's own record is its
 * own source). When full, the source holding the most records gives up the one of its records
 * closest to expiry (the one whose addresses are least likely to still be current). Taking the
 * record closest to expiry from the whole book would let anyone flush it: records that live
 * longer than the honest ones, sent in numbers, would push out every honest record in turn. By
 * source, a flooder only ever pushes out its own. One source holds at most a
 * {@link #MAX_SHARE_PER_SOURCE} of the book even before it is full. Confined to the node's loop,
 * like the rest of the protocol state.
 */
public final class PeerRecordBook {
    /** What an accepted offer did to the book. */
    public enum Admission {
        /** A record of a peer the book did not hold. */
        ADDED,
        /** A higher sequence number than the record held, which it replaced. */
        REPLACED,
        /** The very record already held: nothing changed, so there is nothing to pass on. */
        DUPLICATE
    }

    /** The largest part of the book one source's records may take, so that no neighbour alone decides whom we dial. */
    public static final double MAX_SHARE_PER_SOURCE = 0.25;

    private static final Comparator<PeerRecord> BY_EXPIRY =
            Comparator.comparingLong(PeerRecord::expiresAtMillis).thenComparing(PeerRecord::peer);

    private final int capacity;
    private final int maxPerSource;
    /** Each record's source, by the record's peer. */
    private final Map<PeerId, PeerId> sourceOf = new HashMap<>();
    /** Each source's records, closest to expiry first. */
    private final Map<PeerId, NavigableSet<PeerRecord>> bySource = new HashMap<>();
    private final Map<PeerId, PeerRecord> byPeer = new HashMap<>();
    /** The same records in peer ID order, so that listing them (every peer exchange does) needs no sort. */
    private final NavigableMap<PeerId, PeerRecord> inPeerOrder = new TreeMap<>();
    private final NavigableSet<PeerRecord> byExpiry = new TreeSet<>(BY_EXPIRY);

    public PeerRecordBook(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, not " + capacity);
        }
        this.capacity = capacity;
        this.maxPerSource = Math.max(1, (int) (capacity * MAX_SHARE_PER_SOURCE));
    }

    /**
     * Takes {@code record} if it is news: a peer we hold nothing for, or a higher sequence
     * number than we hold.
     *
     * @throws PeerRecordException EXPIRED, or STALE for a sequence number not above the held
     *     record's (a lower one, or the same one over different content)
     */
    public Admission offer(PeerRecord record, long nowMillis) throws PeerRecordException {
        return offer(record, nowMillis, record.peer());
    }

    /**
     * Takes {@code record}, passed on by {@code source}, if it is news, as {@link #offer(PeerRecord, long)}.
     * A source at its share of the book makes room from its own records.
     */
    public Admission offer(PeerRecord record, long nowMillis, PeerId source) throws PeerRecordException {
        if (record.isExpired(nowMillis)) {
            throw new PeerRecordException(Misbehaviour.EXPIRED, "record expired");
        }
        dropExpired(nowMillis);
        PeerRecord held = byPeer.get(record.peer());
        if (held != null) {
            if (held.equals(record)) {
                return Admission.DUPLICATE;
            }
            if (Long.compareUnsigned(record.sequence(), held.sequence()) <= 0) {
                throw new PeerRecordException(Misbehaviour.STALE, "record " + Long.toUnsignedString(record.sequence())
                        + " is not newer than " + Long.toUnsignedString(held.sequence()));
            }
            remove(held);
            makeRoomFor(source);
            add(record, source);
            return Admission.REPLACED;
        }
        makeRoomFor(source);
        add(record, source);
        return Admission.ADDED;
    }

    /** The peer's current record, if we hold one that has not expired. */
    public Optional<PeerRecord> get(PeerId peer, long nowMillis) {
        PeerRecord record = byPeer.get(peer);
        if (record != null && record.isExpired(nowMillis)) {
            remove(record);
            return Optional.empty();
        }
        return Optional.ofNullable(record);
    }

    /** Every record held that has not expired, in peer ID order (so that runs replay exactly). */
    public List<PeerRecord> records(long nowMillis) {
        dropExpired(nowMillis);
        return new ArrayList<>(inPeerOrder.values());
    }

    /** How many records the book holds, counting expired ones not yet dropped. */
    public int size() {
        return byPeer.size();
    }

    private void dropExpired(long nowMillis) {
        while (!byExpiry.isEmpty() && byExpiry.first().isExpired(nowMillis)) {
            remove(byExpiry.first());
        }
    }

    /** Evicts one record of {@code source} when it is at its share, or one of the largest source's when the book is full. */
    private void makeRoomFor(PeerId source) {
        NavigableSet<PeerRecord> own = bySource.get(source);
        if (own != null && own.size() >= maxPerSource) {
            remove(own.first());
        } else if (byPeer.size() >= capacity) {
            remove(bySource.get(largestSource()).first());
        }
    }

    /**
     * The source with the most records; of equal ones, the one holding the record closest to
     * expiry (so a book of peers' own records alone gives up the oldest, as it always did).
     */
    private PeerId largestSource() {
        PeerId largest = null;
        NavigableSet<PeerRecord> most = null;
        for (Map.Entry<PeerId, NavigableSet<PeerRecord>> entry : bySource.entrySet()) {
            NavigableSet<PeerRecord> records = entry.getValue();
            if (most == null || records.size() > most.size()
                    || records.size() == most.size() && BY_EXPIRY.compare(records.first(), most.first()) < 0) {
                largest = entry.getKey();
                most = records;
            }
        }
        return largest;
    }

    /** How many of the records held {@code source} passed on. */
    public int heldFrom(PeerId source) {
        NavigableSet<PeerRecord> own = bySource.get(source);
        return own == null ? 0 : own.size();
    }

    private void add(PeerRecord record, PeerId source) {
        sourceOf.put(record.peer(), source);
        bySource.computeIfAbsent(source, s -> new TreeSet<>(BY_EXPIRY)).add(record);
        byPeer.put(record.peer(), record);
        inPeerOrder.put(record.peer(), record);
        byExpiry.add(record);
    }

    private void remove(PeerRecord record) {
        PeerId source = sourceOf.remove(record.peer());
        NavigableSet<PeerRecord> own = bySource.get(source);
        if (own != null) {
            own.remove(record);
            if (own.isEmpty()) {
                bySource.remove(source);
            }
        }
        byPeer.remove(record.peer());
        inPeerOrder.remove(record.peer());
        byExpiry.remove(record);
    }
}
