package org.parley.tui.model;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the client remembers of each conversation between runs: up to when the user has read it
 * (the time of the newest message shown while it was open) and whether it is muted. Unread counts
 * are not stored: they are counted again from the history after each read marker.
 */
public final class ConversationMarks {
    /** Peer IDs and group IDs: what a conversation's ID may be; anything else is never stored. */
    private static final Pattern ID = Pattern.compile("[0-9a-z]{1,128}");

    private final Map<String, Long> readUpTo = new HashMap<>();
    private final Set<String> muted = new HashSet<>();
    private final boolean firstRun;
    private boolean changed;

    /** @param firstRun true when nothing was remembered before: every conversation then counts as read */
    public ConversationMarks(boolean firstRun) {
        this.firstRun = firstRun;
    }

    public static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    public boolean firstRun() {
        return firstRun;
    }

    /** When the conversation was last read up to, in milliseconds since the epoch; empty when never. */
    public OptionalLong readUpTo(String id) {
        Long at = readUpTo.get(id);
        return at == null ? OptionalLong.empty() : OptionalLong.of(at);
    }

    /** The conversation is read up to {@code at}; the marker never moves back. */
    public void read(String id, long at) {
        if (!isValidId(id) || at < 0) {
            return;
        }
        Long known = readUpTo.get(id);
        if (known == null || at > known) {
            readUpTo.put(id, at);
            changed = true;
        }
    }

    public boolean muted(String id) {
        return muted.contains(id);
    }

    public void mute(String id, boolean mute) {
        if (isValidId(id) && (mute ? muted.add(id) : muted.remove(id))) {
            changed = true;
        }
    }

    public Map<String, Long> readMarkers() {
        return Map.copyOf(readUpTo);
    }

    public Set<String> mutedIds() {
        return Set.copyOf(muted);
    }

    /** Whether anything changed since the last call (which clears it): worth saving. */
    public boolean takeChanged() {
        boolean was = changed;
        changed = false;
        return was;
    }
}
