package org.parley.tui.app;

import org.parley.tui.model.Conversation;

/**
 * Tells the node while the user types a message to a contact: a start when the input holds text
 * (not a command), again every {@link #EVERY_MILLIS} while it does, and a stop once it is sent,
 * cleared or left for another conversation. The node sends them on only with typing indicators
 * on for the contact and a live link (decision 0053); a node without them refuses, unseen.
 */
final class TypingSender {
    /** The node sends a start at most this often too. */
    static final long EVERY_MILLIS = 3_000;

    private final ChatContext chat;
    /** The contact we last said we type to; null once we said we stopped. */
    private String typingTo;
    private long lastStart;

    TypingSender(ChatContext chat) {
        this.chat = chat;
    }

    /** After each key: the input may have changed, or the open conversation. */
    void inputChanged() {
        String peer = chat.state.conversations().selected()
                .filter(open -> open.kind() == Conversation.Kind.CONTACT).map(Conversation::id).orElse(null);
        String text = chat.state.input().text();
        boolean composing = peer != null && !text.isBlank() && !text.startsWith("/");
        if (typingTo != null && (!composing || !typingTo.equals(peer))) {
            tell(typingTo, false);
            typingTo = null;
        }
        long now = chat.now();
        if (composing && (typingTo == null || now - lastStart >= EVERY_MILLIS)) {
            tell(peer, true);
            typingTo = peer;
            lastStart = now;
        }
    }

    private void tell(String peer, boolean active) {
        chat.node.submit(api -> api.typing(peer, active), sent -> { }, error -> { });
    }
}
