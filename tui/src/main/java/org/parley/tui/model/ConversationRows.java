package org.parley.tui.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.parley.api.ReactionView;
import org.parley.tui.text.TextWidth;

/**
 * The rows and texts the conversation features add to a laid-out message: the quote above a
 * reply, the "(edited)" mark, the placeholder of a deleted message and the reactions row. Every
 * piece of peer text goes through {@link TextWidth}, which makes it safe for the terminal and
 * cuts it to the width.
 */
final class ConversationRows {
    static final String DELETED = "(message deleted)";
    static final String EDITED = " (edited)";
    private static final int QUOTE_COLUMNS = 40;

    private ConversationRows() {
    }

    /** The text to show for a message: its (newest) text, marked when edited; a placeholder when deleted. */
    static String text(TimelineEntry entry) {
        if (entry.extras().deleted()) {
            return DELETED;
        }
        return entry.extras().edited() ? entry.text() + EDITED : entry.text();
    }

    /** The row above a reply: who wrote what it quotes, and the start of it (or that it is not loaded). */
    static TimelineLayout.Row quote(TimelineEntry reply, TimelineEntry quoted, String indent, int width) {
        String shown = quoted == null ? "a message not loaded"
                : quoted.sender() + ": " + (quoted.extras().deleted() ? DELETED : quoted.text());
        int columns = Math.max(2, Math.min(QUOTE_COLUMNS, width - indent.length() - 3));
        java.util.List<String> lines = TextWidth.wrap(shown.replace('\n', ' '), columns, columns);
        return new TimelineLayout.Row(indent + "↪ " + lines.get(0) + (lines.size() > 1 ? "…" : ""), kindOf(reply));
    }

    /** The row below a message with reactions: each emoji and how many chose it, in order of first reaction. */
    static Optional<TimelineLayout.Row> reactions(TimelineEntry entry, String indent, int width) {
        if (entry.extras().reactions().isEmpty() || entry.extras().deleted()) {
            return Optional.empty();
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (ReactionView reaction : entry.extras().reactions()) {
            counts.merge(reaction.emoji(), 1, Integer::sum);
        }
        String line = counts.entrySet().stream()
                .map(count -> count.getKey() + (count.getValue() > 1 ? " " + count.getValue() : ""))
                .collect(Collectors.joining("  "));
        String fitted = TextWidth.wrap(line.replace('\n', ' '), Math.max(2, width - indent.length()), 2).get(0);
        return Optional.of(new TimelineLayout.Row(indent + fitted, kindOf(entry)));
    }

    private static TimelineLayout.Row.Kind kindOf(TimelineEntry entry) {
        return entry.own() ? TimelineLayout.Row.Kind.OWN : TimelineLayout.Row.Kind.INCOMING;
    }
}
