package org.parley.tui.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The loaded messages of one conversation, oldest first, and how far the user has scrolled up
 * from the newest. History loads a page at a time, older pages in front; the same message
 * arriving twice (from history and from a live event) is kept once, its newer state winning.
 */
public final class Timeline {
    private static final Comparator<TimelineEntry> ORDER =
            Comparator.comparingLong(TimelineEntry::at).thenComparing(TimelineEntry::id);

    private final Map<String, TimelineEntry> byId = new HashMap<>();
    private final List<TimelineEntry> entries = new ArrayList<>();
    /** The files messages offered, by message ID (entry ID in a group), as the newest file event told. */
    private final Map<String, org.parley.api.FileView> files = new HashMap<>();
    private boolean mayHaveOlder = true;
    private int scrolledRows;
    private boolean newBelow;

    /**
     * Adds a message, or replaces the one with the same ID (a delivery update) unless that one is
     * further along: updates may be applied out of order. Returns whether it was new.
     */
    public boolean put(TimelineEntry entry) {
        TimelineEntry known = byId.get(entry.id());
        if (known != null) {
            if (entry.mark().progress() >= known.mark().progress()) {
                byId.put(entry.id(), entry);
                entries.set(entries.indexOf(known), entry);
            }
            return false;
        }
        byId.put(entry.id(), entry);
        int at = insertionPoint(entry);
        entries.add(at, entry);
        if (scrolledRows > 0 && at == entries.size() - 1) {
            newBelow = true;
        }
        return true;
    }

    /**
     * A delivery update of a message: as {@link #put}, but the known text, edit, deletion and
     * reactions stay, for an update carries the message as it was sent.
     */
    public boolean putState(TimelineEntry entry) {
        TimelineEntry known = byId.get(entry.id());
        return put(known == null ? entry : new TimelineEntry(entry.id(), entry.own(), entry.sender(), known.text(),
                entry.at(), entry.mark(), entry.reason(), known.extras()));
    }

    /** A page of older history, oldest first; a page shorter than asked for means there is nothing older. */
    public void putOlder(List<TimelineEntry> page, int asked) {
        page.forEach(entry -> {
            if (!byId.containsKey(entry.id())) {
                byId.put(entry.id(), entry);
                entries.add(insertionPoint(entry), entry);
            }
        });
        if (page.size() < asked) {
            mayHaveOlder = false;
        }
    }

    /** The file message {@code id} offered, as now: its state and progress. */
    public void putFile(String id, org.parley.api.FileView file) {
        files.put(id, file);
    }

    public Map<String, org.parley.api.FileView> files() {
        return java.util.Collections.unmodifiableMap(files);
    }

    public List<TimelineEntry> entries() {
        return List.copyOf(entries);
    }

    public Optional<TimelineEntry> oldest() {
        return entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(0));
    }

    public boolean mayHaveOlder() {
        return mayHaveOlder;
    }

    /** Rows scrolled up from the newest; 0 is following the conversation live. */
    public int scrolledRows() {
        return scrolledRows;
    }

    /** Scrolls by {@code rows} (positive is up, toward older), within {@code 0..maxRows}. */
    public void scroll(int rows, int maxRows) {
        scrolledRows = Math.max(0, Math.min(maxRows, scrolledRows + rows));
        if (scrolledRows == 0) {
            newBelow = false;
        }
    }

    /** Whether a message arrived below the scrolled view since the user scrolled up. */
    public boolean newBelow() {
        return newBelow;
    }

    /** The loaded messages whose text holds {@code query}, ignoring case. */
    public List<TimelineEntry> search(String query) {
        String needle = query.toLowerCase(Locale.ROOT);
        return entries.stream().filter(entry -> entry.text().toLowerCase(Locale.ROOT).contains(needle)).toList();
    }

    private int insertionPoint(TimelineEntry entry) {
        int at = entries.size();
        while (at > 0 && ORDER.compare(entries.get(at - 1), entry) > 0) {
            at--;
        }
        return at;
    }
}
