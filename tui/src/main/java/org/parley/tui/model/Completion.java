package org.parley.tui.model;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Tab completion of the word before the cursor: a command name when it is the line's first word
 * and starts with {@code /}, else a conversation's name. Several matches complete to what they
 * share.
 */
public final class Completion {
    private Completion() {
    }

    /** The input after completing the word that ends at the cursor (unchanged when nothing matches). */
    public static void complete(InputLine input, Collection<String> names) {
        String text = input.text();
        int cursor = input.cursor();
        int start = cursor;
        while (start > 0 && !Character.isWhitespace(text.charAt(start - 1))) {
            start--;
        }
        String word = text.substring(start, cursor);
        if (word.isEmpty()) {
            return;
        }
        boolean command = start == 0 && word.startsWith("/");
        Collection<String> candidates = command ? CommandParser.NAMES : names;
        List<String> matches = candidates.stream()
                .filter(candidate -> candidate.toLowerCase(Locale.ROOT).startsWith(word.toLowerCase(Locale.ROOT)))
                .toList();
        if (matches.isEmpty()) {
            return;
        }
        String completed = matches.size() == 1 ? matches.get(0) + " " : sharedPrefix(matches);
        if (completed.length() < word.length()) {
            return;
        }
        String before = text.substring(0, start) + completed;
        input.replace(before + text.substring(cursor), before.length());
    }

    private static String sharedPrefix(List<String> words) {
        String prefix = words.get(0);
        for (String word : words) {
            int length = 0;
            while (length < prefix.length() && length < word.length()
                    && Character.toLowerCase(prefix.charAt(length)) == Character.toLowerCase(word.charAt(length))) {
                length++;
            }
            prefix = prefix.substring(0, length);
        }
        return prefix;
    }
}
