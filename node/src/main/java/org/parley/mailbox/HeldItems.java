package org.parley.mailbox;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.StoreAnswer.Outcome;

/**
 * What a replica holds for others, mail and group posts alike: items under a key (the recipient
 * of an envelope, the topic of a post), each from a contributor (its sender, its depositor), with
 * limits per key (bytes, items), per contributor (bytes) and in all (bytes), and a time limit.
 * What a new item does to a key or contributor over its limit is the store's {@link WhenFull}: mail
 * shares a key fairly among its contributors (a sender must not push out what others sent, unless
 * it holds more of the recipient's share than the newcomer would), posts push out the oldest of
 * the key and then of the contributor (a busy group keeps its newest, a flooding peer displaces
 * only its own); past the total limit everything is refused. Remembers what a key's owner deleted until it
 * would have expired, so a copy coming back from another replica is not held again. Each item gets
 * an order on arrival (see {@link HeldItem#order()}), so what came after a cursor can be paged,
 * and a replica that lost its store does not start again below cursors handed out before. Plain
 * data: no I/O, no clock.
 */
final class HeldItems<K, T> {
    /** What a new item does to a key that is full. */
    enum WhenFull {
        /**
         * The key's share is divided max-min fairly among its contributors: a contributor that
         * would hold less than the largest other after the new item takes that one's newest items
         * until it fits; one that would not is refused. So one contributor, or a few, cannot fill
         * a key and keep everyone else out, and one holding no more than anyone else keeps what
         * it holds. A contributor over its own limit is refused.
         */
        SHARE_FAIRLY,
        /** The key's oldest items, and then the contributor's oldest, make room. */
        PUSH_OUT_OLDEST
    }

    /**
     * The limits of a store.
     *
     * @param whenFull what a new item does to a key or contributor over its limits; an item larger
     *                 than a whole share is refused either way
     */
    record Limits(long perKeyBytes, int perKeyItems, long perContributorBytes, long totalBytes, WhenFull whenFull) {
    }

    /** Items of one key after a cursor, oldest first; {@code last} is the cursor to ask after next. */
    record Page<K, T>(List<HeldItem<K, T>> items, long last, boolean more) {
    }

    private final Limits limits;
    private final LinkedHashMap<ByteString, HeldItem<K, T>> byId = new LinkedHashMap<>();
    private final Map<K, TreeMap<Long, HeldItem<K, T>>> byKey = new HashMap<>();
    private final Map<PeerId, TreeMap<Long, HeldItem<K, T>>> byContributor = new HashMap<>();
    private final Map<K, Long> bytesByKey = new HashMap<>();
    private final Map<PeerId, Long> bytesByContributor = new HashMap<>();
    /** Per key: each contributor's items, and the bytes they come to (for the fair share). */
    private final Map<K, Map<PeerId, TreeMap<Long, HeldItem<K, T>>>> byKeyAndContributor = new HashMap<>();
    private final Map<K, Map<PeerId, Long>> bytesByKeyAndContributor = new HashMap<>();
    /** Deleted items' IDs, until they would have expired. */
    private final Map<ByteString, Long> deleted = new HashMap<>();
    private long totalBytes;
    private long lastOrder;

    HeldItems(Limits limits) {
        this.limits = limits;
    }

    /** Takes back what was held before a restart (in its order); an ID held already is ignored. */
    void restore(HeldItem<K, T> item) {
        if (!byId.containsKey(item.id())) {
            add(item);
            lastOrder = Math.max(lastOrder, item.order());
        }
    }

    /**
     * Holds a checked item until {@code expiresAtMillis} unless a limit says no; an item held
     * already, or deleted by its key's owner, counts as stored (the replica has done its part).
     * What it holds is added to {@code taken}; what made room for it (see {@link WhenFull}) to
     * {@code madeRoom}, and is no longer held.
     */
    Outcome offer(ByteString id, K key, PeerId contributor, long expiresAtMillis, T payload, int size, long nowMillis,
                  List<HeldItem<K, T>> taken, List<HeldItem<K, T>> madeRoom) {
        if (byId.containsKey(id) || deleted.containsKey(id)) {
            return Outcome.STORED;
        }
        if (expiresAtMillis <= nowMillis) {
            return Outcome.EXPIRED;
        }
        if (size < 0 || size > limits.perKeyBytes() || size > limits.perContributorBytes()) {
            return Outcome.QUOTA;
        }
        if (limits.whenFull() == WhenFull.SHARE_FAIRLY) {
            if (bytesByContributor.getOrDefault(contributor, 0L) + size > limits.perContributorBytes()) {
                return Outcome.QUOTA;
            }
            List<HeldItem<K, T>> going = fairRoomFor(key, contributor, size);
            if (going == null
                    || totalBytes - going.stream().mapToLong(HeldItem::size).sum() + size > limits.totalBytes()) {
                return Outcome.QUOTA;
            }
            going.forEach(item -> pushOut(item, madeRoom));
            take(id, key, contributor, expiresAtMillis, payload, size, nowMillis, taken);
            return Outcome.STORED;
        }
        if (totalBytes + size > limits.totalBytes()) {
            return Outcome.QUOTA;
        }
        take(id, key, contributor, expiresAtMillis, payload, size, nowMillis, taken);
        TreeMap<Long, HeldItem<K, T>> ofKey = byKey.get(key);
        while (ofKey.size() > limits.perKeyItems() || bytesByKey.getOrDefault(key, 0L) > limits.perKeyBytes()) {
            pushOut(ofKey.firstEntry().getValue(), madeRoom);
        }
        TreeMap<Long, HeldItem<K, T>> ofContributor = byContributor.get(contributor);
        while (bytesByContributor.getOrDefault(contributor, 0L) > limits.perContributorBytes()) {
            pushOut(ofContributor.firstEntry().getValue(), madeRoom);
        }
        return Outcome.STORED;
    }

    private void take(ByteString id, K key, PeerId contributor, long expiresAtMillis, T payload, int size,
                      long nowMillis, List<HeldItem<K, T>> taken) {
        lastOrder = Math.max(lastOrder + 1, nowMillis);
        HeldItem<K, T> item = new HeldItem<>(lastOrder, id, key, contributor, expiresAtMillis, payload, size);
        add(item);
        taken.add(item);
    }

    /**
     * The items that must go for {@code size} more bytes from {@code contributor} to fit the key's
     * share: none when it fits, the largest other contributors' newest while they would still hold
     * no less than the contributor, or null when that does not make room.
     */
    private List<HeldItem<K, T>> fairRoomFor(K key, PeerId contributor, int size) {
        long bytesOver = bytesByKey.getOrDefault(key, 0L) + size - limits.perKeyBytes();
        long itemsOver = (long) countFor(key) + 1 - limits.perKeyItems();
        if (bytesOver <= 0 && itemsOver <= 0) {
            return List.of();
        }
        Map<PeerId, Long> shares = new HashMap<>(bytesByKeyAndContributor.getOrDefault(key, Map.of()));
        long contributorAfter = shares.getOrDefault(contributor, 0L) + size;
        shares.remove(contributor);
        if (shares.values().stream().mapToLong(Long::longValue).max().orElse(0) <= contributorAfter) {
            // Fair already: refused without looking through the held items, which a flood of
            // refused offers would otherwise make us do each time.
            return null;
        }
        Map<PeerId, TreeMap<Long, HeldItem<K, T>>> ofKey = byKeyAndContributor.get(key);
        Map<PeerId, Integer> taking = new HashMap<>();
        List<HeldItem<K, T>> going = new ArrayList<>();
        while (bytesOver > 0 || itemsOver > 0) {
            PeerId largest = null;
            for (Map.Entry<PeerId, Long> share : shares.entrySet()) {
                if (largest == null || share.getValue() > shares.get(largest)) {
                    largest = share.getKey();
                }
            }
            if (largest == null) {
                return null;
            }
            int already = taking.getOrDefault(largest, 0);
            HeldItem<K, T> newest = ofKey.get(largest).descendingMap().values().stream().skip(already).findFirst()
                    .orElse(null);
            if (newest == null || shares.get(largest) - newest.size() < contributorAfter) {
                return null; // it would end up holding less than the contributor: the share is fair already
            }
            taking.put(largest, already + 1);
            shares.merge(largest, -(long) newest.size(), Long::sum);
            going.add(newest);
            bytesOver -= newest.size();
            itemsOver--;
        }
        return going;
    }

    private void pushOut(HeldItem<K, T> item, List<HeldItem<K, T>> madeRoom) {
        remove(item);
        madeRoom.add(item);
    }

    /** The key's items after cursor {@code after}, oldest first, up to {@code maxBytes} (at least one item). */
    Page<K, T> after(K key, long after, long maxBytes) {
        TreeMap<Long, HeldItem<K, T>> items = byKey.get(key);
        if (items == null) {
            return new Page<>(List.of(), after, false);
        }
        List<HeldItem<K, T>> page = new ArrayList<>();
        long bytes = 0;
        long last = after;
        for (HeldItem<K, T> item : items.tailMap(after, false).values()) {
            if (!page.isEmpty() && bytes + item.size() > maxBytes) {
                return new Page<>(page, last, true);
            }
            page.add(item);
            bytes += item.size();
            last = item.order();
        }
        return new Page<>(page, last, false);
    }

    /** The key's items from the oldest, up to {@code maxBytes} (at least one item). */
    Page<K, T> first(K key, long maxBytes) {
        return after(key, Long.MIN_VALUE, maxBytes);
    }

    long bytesFor(K key) {
        return bytesByKey.getOrDefault(key, 0L);
    }

    int countFor(K key) {
        TreeMap<Long, HeldItem<K, T>> items = byKey.get(key);
        return items == null ? 0 : items.size();
    }

    /** Deletes the key's items among {@code ids} (others' are left alone) and remembers them until they would expire. */
    List<HeldItem<K, T>> delete(K key, Collection<ByteString> ids) {
        List<HeldItem<K, T>> removed = new ArrayList<>();
        for (ByteString id : ids) {
            HeldItem<K, T> item = byId.get(id);
            if (item != null && item.key().equals(key)) {
                remove(item);
                deleted.put(id, item.expiresAtMillis());
                removed.add(item);
            }
        }
        return removed;
    }

    /** Lets go of an item that could not be written down: not held, and welcome again. */
    void unhold(ByteString id) {
        HeldItem<K, T> item = byId.get(id);
        if (item != null) {
            remove(item);
        }
    }

    /** Drops what has expired, and forgets deletions that can no longer come back. */
    List<HeldItem<K, T>> expire(long nowMillis) {
        List<HeldItem<K, T>> expired = new ArrayList<>();
        for (HeldItem<K, T> item : byId.values()) {
            if (item.expiresAtMillis() <= nowMillis) {
                expired.add(item);
            }
        }
        expired.forEach(this::remove);
        deleted.values().removeIf(expiresAt -> expiresAt <= nowMillis);
        return expired;
    }

    /** Everything held, in the order it came. */
    Collection<HeldItem<K, T>> all() {
        return byId.values();
    }

    long totalBytes() {
        return totalBytes;
    }

    private void add(HeldItem<K, T> item) {
        byId.put(item.id(), item);
        byKey.computeIfAbsent(item.key(), key -> new TreeMap<>()).put(item.order(), item);
        byContributor.computeIfAbsent(item.contributor(), peer -> new TreeMap<>()).put(item.order(), item);
        byKeyAndContributor.computeIfAbsent(item.key(), key -> new HashMap<>())
                .computeIfAbsent(item.contributor(), peer -> new TreeMap<>()).put(item.order(), item);
        account(item, 1);
    }

    private void remove(HeldItem<K, T> item) {
        byId.remove(item.id());
        removeFrom(byKey, item.key(), item);
        removeFrom(byContributor, item.contributor(), item);
        Map<PeerId, TreeMap<Long, HeldItem<K, T>>> ofKey = byKeyAndContributor.get(item.key());
        removeFrom(ofKey, item.contributor(), item);
        if (ofKey.isEmpty()) {
            byKeyAndContributor.remove(item.key());
        }
        account(item, -1);
    }

    private <X> void removeFrom(Map<X, TreeMap<Long, HeldItem<K, T>>> index, X at, HeldItem<K, T> item) {
        TreeMap<Long, HeldItem<K, T>> items = index.get(at);
        items.remove(item.order());
        if (items.isEmpty()) {
            index.remove(at);
        }
    }

    private void account(HeldItem<K, T> item, int sign) {
        long delta = (long) sign * item.size();
        totalBytes += delta;
        bytesByKey.merge(item.key(), delta, (a, b) -> a + b == 0 ? null : a + b);
        bytesByContributor.merge(item.contributor(), delta, (a, b) -> a + b == 0 ? null : a + b);
        Map<PeerId, Long> ofKey = bytesByKeyAndContributor.computeIfAbsent(item.key(), key -> new HashMap<>());
        ofKey.merge(item.contributor(), delta, (a, b) -> a + b == 0 ? null : a + b);
        if (ofKey.isEmpty()) {
            bytesByKeyAndContributor.remove(item.key());
        }
    }
}
