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

/**
 * The newest verified record of each peer we have heard of, at most {@code capacity} of them.
 * When full, the record closest to expiry makes room: it is the one whose addresses are least
 * likely to still be current. Confined to the node's loop, like the rest of the protocol state.
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

    private final int capacity;
    private final Map<PeerId, PeerRecord> byPeer = new HashMap<>();
    /** The same records in peer ID order, so that listing them (every peer exchange does) needs no sort. */
    private final NavigableMap<PeerId, PeerRecord> inPeerOrder = new TreeMap<>();
    private final NavigableSet<PeerRecord> byExpiry = new TreeSet<>(
            Comparator.comparingLong(PeerRecord::expiresAtMillis).thenComparing(PeerRecord::peer));

    public PeerRecordBook(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, not " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Takes {@code record} if it is news: a peer we hold nothing for, or a higher sequence
     * number than we hold.
     *
     * @throws PeerRecordException EXPIRED, or STALE for a sequence number not above the held
     *     record's (a lower one, or the same one over different content)
     */
    public Admission offer(PeerRecord record, long nowMillis) throws PeerRecordException {
        if (record.isExpired(nowMillis)) {
            throw new PeerRecordException(RecordRejection.EXPIRED, "record expired");
        }
        dropExpired(nowMillis);
        PeerRecord held = byPeer.get(record.peer());
        if (held != null) {
            if (held.equals(record)) {
                return Admission.DUPLICATE;
            }
            if (Long.compareUnsigned(record.sequence(), held.sequence()) <= 0) {
                throw new PeerRecordException(RecordRejection.STALE, "record " + Long.toUnsignedString(record.sequence())
                        + " is not newer than " + Long.toUnsignedString(held.sequence()));
            }
            remove(held);
            add(record);
            return Admission.REPLACED;
        }
        if (byPeer.size() >= capacity) {
            remove(byExpiry.first());
        }
        add(record);
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

    private void add(PeerRecord record) {
        byPeer.put(record.peer(), record);
        inPeerOrder.put(record.peer(), record);
        byExpiry.add(record);
    }

    private void remove(PeerRecord record) {
        byPeer.remove(record.peer());
        inPeerOrder.remove(record.peer());
        byExpiry.remove(record);
    }
}
