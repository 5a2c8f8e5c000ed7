package org.parley.cli;

import java.util.List;
import java.util.stream.Collectors;
import org.parley.api.PrintableText;
import org.parley.api.ReactionView;
import org.parley.api.ShortPeerId;

/**
 * The conversation features of a message as short marks on its line: what it replies to, that it
 * was edited or deleted, and its reactions. Every piece a peer chose (the emoji) is made safe for
 * the terminal first.
 */
final class ConversationMarks {
    private ConversationMarks() {
    }

    /** Goes before the text: the start of the message it replies to, or nothing. */
    static String replyPrefix(String replyTo) {
        return replyTo == null ? "" : "(reply to " + replyTo.substring(0, Math.min(8, replyTo.length())) + ") ";
    }

    /** Goes after the text: " (edited)", " (deleted)", " [👍 alice…]", or nothing. */
    static String suffix(boolean edited, boolean deleted, List<ReactionView> reactions) {
        StringBuilder marks = new StringBuilder();
        if (deleted) {
            marks.append(" (deleted)");
        } else if (edited) {
            marks.append(" (edited)");
        }
        if (!reactions.isEmpty()) {
            marks.append(" [").append(reactions.stream()
                    .map(reaction -> PrintableText.oneLine(reaction.emoji()) + " " + ShortPeerId.of(reaction.peerId()))
                    .collect(Collectors.joining(", "))).append(']');
        }
        return marks.toString();
    }
}
