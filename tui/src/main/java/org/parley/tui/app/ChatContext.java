package org.parley.tui.app;

import org.parley.api.GroupMessageView;
import org.parley.api.MessageView;
import org.parley.api.ShortPeerId;
import org.parley.tui.model.Conversation;
import org.parley.tui.model.TimelineEntry;

/**
 * What the controller's parts share: the state they change, the way to the node, the notifier,
 * and the few helpers every part needs (names to show, the one-line notice). UI thread only.
 */
final class ChatContext {
    final ChatState state;
    final NodeRequests node;
    final Notifier notifier;
    /** This machine's clock, in milliseconds: how long a contact shows as typing, how often we say we type. */
    private final java.util.function.LongSupplier clock;

    ChatContext(ChatState state, NodeRequests node, Notifier notifier) {
        this(state, node, notifier, System::currentTimeMillis);
    }

    ChatContext(ChatState state, NodeRequests node, Notifier notifier, java.util.function.LongSupplier clock) {
        this.state = state;
        this.node = node;
        this.notifier = notifier;
        this.clock = clock;
    }

    long now() {
        return clock.getAsLong();
    }

    TimelineEntry entry(MessageView message) {
        String sender = "out".equals(message.direction()) ? state.ownName() : titleOf(message.peerId());
        return TimelineEntry.of(message, sender);
    }

    TimelineEntry entry(GroupMessageView message) {
        boolean own = message.senderId().equals(state.ownPeerId());
        return TimelineEntry.of(message, own ? state.ownName() : titleOf(message.senderId()), own);
    }

    /** The name to show for a peer: ours, a contact's or request's title, else its short ID. */
    String titleOf(String peerId) {
        if (peerId.equals(state.ownPeerId())) {
            return state.ownName();
        }
        return state.conversations().get(peerId).filter(Conversation::isDirect).map(Conversation::title)
                .orElse(shortId(peerId));
    }

    void notice(String text) {
        state.notice(new ChatState.Notice(text, false));
    }

    void error(String message) {
        state.notice(new ChatState.Notice(firstLine(message), true));
    }

    private static String firstLine(String message) {
        String text = message == null ? "unknown error" : message;
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    /** A peer ID shortened for display where no name is known (long enough not to be ground into a look-alike). */
    static String shortId(String peerId) {
        return ShortPeerId.of(peerId);
    }
}
