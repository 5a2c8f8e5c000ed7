package org.parley.tui.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Message IDs as the timeline shows them and commands take them: the shortest prefix, at least
 * {@link #MIN_LENGTH} characters, that no other message of the conversation shares. A prefix
 * typed back is resolved against the same messages: one that names none, or more than one, is
 * refused rather than guessed.
 */
public final class ShortIds {
    public static final int MIN_LENGTH = 4;

    private ShortIds() {
    }

    /** The short form of each of {@code ids}, by ID. */
    public static Map<String, String> of(List<String> ids) {
        List<String> sorted = new ArrayList<>(ids);
        sorted.sort(null);
        Map<String, String> shortForms = new HashMap<>();
        for (int i = 0; i < sorted.size(); i++) {
            String id = sorted.get(i);
            int needed = MIN_LENGTH;
            // In sorted order, the neighbours share the longest prefixes with it.
            if (i > 0) {
                needed = Math.max(needed, common(id, sorted.get(i - 1)) + 1);
            }
            if (i + 1 < sorted.size()) {
                needed = Math.max(needed, common(id, sorted.get(i + 1)) + 1);
            }
            shortForms.put(id, id.substring(0, Math.min(id.length(), needed)));
        }
        return shortForms;
    }

    /** The one ID among {@code ids} that {@code typed} is a prefix of (case-insensitive, a leading # allowed). */
    public static Optional<String> resolve(String typed, List<String> ids) throws CommandParser.BadCommandException {
        String prefix = (typed.startsWith("#") ? typed.substring(1) : typed).toLowerCase(Locale.ROOT);
        if (prefix.isEmpty() || !prefix.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new CommandParser.BadCommandException("not a message ID (its short form is shown with /ids)");
        }
        List<String> matches = ids.stream().filter(id -> id.toLowerCase(Locale.ROOT).startsWith(prefix)).toList();
        if (matches.size() > 1) {
            throw new CommandParser.BadCommandException("more than one message starts with " + prefix
                    + ": type more of its ID");
        }
        return matches.stream().findFirst();
    }

    private static int common(String a, String b) {
        int at = 0;
        while (at < a.length() && at < b.length() && a.charAt(at) == b.charAt(at)) {
            at++;
        }
        return at;
    }
}
