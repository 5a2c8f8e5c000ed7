package org.parley.groups;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What a member knows of a group log's shape: each entry's Lamport number and hash links. Entries
 * name the heads their sender had seen; a link to an entry we do not hold is a gap, to be filled
 * from other members. Display order is (Lamport number, entry ID), the same on every member.
 * Entries we hold only as ciphertext we cannot open (sent before we joined) are "opaque": they fill
 * a gap, but their own links are unknown, which is where the back-fill of a new member stops.
 */
public final class GroupLog {
    /** Most links one entry may carry. */
    public static final int MAX_PARENTS = 16;
    /** Display and replay order of entries. */
    public static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::lamport)
            .thenComparing(entry -> entry.id(), ByteString.unsignedLexicographicalComparator());

    /** An entry's place in the log. */
    public record Entry(ByteString id, long lamport, List<ByteString> parents) {
    }

    private final Map<ByteString, Entry> entries = new HashMap<>();
    private final Set<ByteString> referenced = new HashSet<>();
    private final Set<ByteString> opaque = new HashSet<>();
    private final LinkedHashSet<ByteString> heads = new LinkedHashSet<>();

    public void add(Entry entry) {
        if (entries.putIfAbsent(entry.id(), entry) != null) {
            return;
        }
        for (ByteString parent : entry.parents()) {
            referenced.add(parent);
            heads.remove(parent);
        }
        if (!referenced.contains(entry.id())) {
            heads.add(entry.id());
        }
    }

    /** Records an entry we hold but cannot read: it is no gap, but its links stay unknown. */
    public void addOpaque(ByteString id) {
        opaque.add(id);
    }

    /** Forgets that we hold an opaque entry: it is a gap again, to be back-filled and read. */
    public void forgetOpaque(ByteString id) {
        opaque.remove(id);
    }

    public boolean holds(ByteString id) {
        return entries.containsKey(id) || opaque.contains(id);
    }

    /** Whether the entry is in the log readable (not merely held as opaque ciphertext). */
    public boolean hasRead(ByteString id) {
        return entries.containsKey(id);
    }

    public int size() {
        return entries.size();
    }

    /** Entries no held entry links to, newest first, at most {@link #MAX_PARENTS}: what a new post links to. */
    public List<ByteString> heads() {
        List<Entry> sorted = new ArrayList<>();
        heads.forEach(id -> sorted.add(entries.get(id)));
        sorted.sort(ORDER.reversed());
        return sorted.stream().limit(MAX_PARENTS).map(Entry::id).toList();
    }

    /**
     * The Lamport number of a new post, which links to {@link #heads()}: one above the largest
     * head's, which is the largest of every entry held as long as every entry is numbered above
     * its parents (every member checks that of the posts it reads).
     */
    public long nextLamport() {
        long largest = 0;
        for (ByteString head : heads) {
            largest = Math.max(largest, entries.get(head).lamport());
        }
        return largest + 1;
    }

    /** The Lamport number of an entry we hold readable; empty for a gap or an opaque entry. */
    public OptionalLong lamportOf(ByteString id) {
        Entry entry = entries.get(id);
        return entry == null ? OptionalLong.empty() : OptionalLong.of(entry.lamport());
    }

    /** Entries linked to but not held: the gaps, in no particular order. */
    public Set<ByteString> missing() {
        Set<ByteString> missing = new HashSet<>();
        for (ByteString id : referenced) {
            if (!holds(id)) {
                missing.add(id);
            }
        }
        return missing;
    }

    /** The held entries in display order. */
    public List<Entry> ordered() {
        List<Entry> sorted = new ArrayList<>(entries.values());
        sorted.sort(ORDER);
        return sorted;
    }
}
