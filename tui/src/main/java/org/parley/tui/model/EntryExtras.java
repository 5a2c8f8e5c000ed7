package org.parley.tui.model;

import java.util.List;
import org.parley.api.ReactionView;

/**
 * What the conversation features add to a timeline entry: the message it replies to, whether it
 * was edited or deleted, and its reactions. Peers chose the emoji: they are shown only through
 * {@link org.parley.tui.text.TextWidth}, which makes them safe for the terminal.
 *
 * @param replyTo the ID of the message it replies to; null when none
 */
public record EntryExtras(String replyTo, List<ReactionView> reactions, boolean edited, boolean deleted) {
    public static final EntryExtras NONE = new EntryExtras(null, List.of(), false, false);

    public EntryExtras {
        reactions = List.copyOf(reactions);
    }

    static EntryExtras of(String replyTo, List<ReactionView> reactions, boolean edited, boolean deleted) {
        return replyTo == null && reactions.isEmpty() && !edited && !deleted ? NONE
                : new EntryExtras(replyTo, reactions, edited, deleted);
    }
}
