package org.parley.messaging;

import java.util.List;

/**
 * What the conversation features add to a message as shown: the message it replies to, whether
 * it was edited (its text is then the newest edit's) or deleted (its text is then empty), and
 * each person's reaction.
 *
 * @param replyTo the quoted message's ID as text (32 hex digits, or 64 for a group entry), else null
 */
public record Annotations(String replyTo, boolean edited, boolean deleted, List<Reacted> reactions) {
    public static final Annotations NONE = new Annotations(null, false, false, List.of());

    /** One person's reaction: who (a peer ID as text) and the emoji. */
    public record Reacted(String reactor, String emoji) {
    }
}
