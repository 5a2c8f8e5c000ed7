package org.parley.tui.app;

import org.parley.tui.model.Conversation;

/**
 * Tells the node while the user types a message to a contact or in a group: a start when the input holds text
 * (not a command), again every {@link #EVERY_MILLIS} while it does, and a stop once it is sent,
 * cleared or left for another conversation. The node sends them on only with typing indicators
 * on for the contact and a live link (decision 0053), or on for the group and to its linked members
 * (decision 0060); a node without them refuses, unseen.
 */
final class TypingSender {
    /** The node sends a start at most this often too. */
    static final long EVERY_MILLIS = 3_000;

    private final ChatContext chat;
    /** The conversation we last said we type in; null once we said we stopped. */
    private Conversation typingTo;
    private long lastStart;

    TypingSender(ChatContext chat) {
        this.chat = chat;
    }

    /** After each key: the input may have changed, or the open conversation. */
    void inputChanged() {
        Conversation open = chat.state.conversations().selected()
                .filter(it -> it.kind() == Conversation.Kind.CONTACT || it.kind() == Conversation.Kind.GROUP)
                .orElse(null);
        String text = chat.state.input().text();
        boolean composing = open != null && !text.isBlank() && !text.startsWith("/");
        if (typingTo != null && (!composing || !typingTo.id().equals(open.id()))) {
            tell(typingTo, false);
            typingTo = null;
        }
        long now = chat.now();
        if (composing && (typingTo == null || now - lastStart >= EVERY_MILLIS)) {
            tell(open, true);
            typingTo = open;
            lastStart = now;
        }
    }

    private void tell(Conversation conversation, boolean active) {
        String id = conversation.id();
        chat.node.submit(conversation.kind() == Conversation.Kind.GROUP ? api -> api.groupTyping(id, active)
                : api -> api.typing(id, active), sent -> { }, error -> { });
    }
}
