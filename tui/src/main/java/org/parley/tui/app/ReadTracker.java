package org.parley.tui.app;

import java.util.List;
import java.util.OptionalLong;
import org.parley.tui.model.Conversation;
import org.parley.tui.model.ConversationMarks;
import org.parley.tui.model.TimelineEntry;

/**
 * Keeps the read markers and mutes that outlive the client: the open conversation is read up to
 * its newest message; a conversation's unread count after a restart is what its latest history
 * holds past its marker. A conversation that appeared while no client ran has no marker, and all
 * of it is unread, except on the very first run, when nothing was ever remembered.
 */
final class ReadTracker {
    private final ChatContext chat;
    private final ConversationMarks marks;
    /** Per contact or group: the time of the newest incoming message the node was told we read. */
    private final java.util.Map<String, Long> toldNode = new java.util.HashMap<>();

    ReadTracker(ChatContext chat, ConversationMarks marks) {
        this.chat = chat;
        this.marks = marks;
        marks.mutedIds().forEach(id -> chat.state.conversations().muted(id, true));
    }

    ConversationMarks marks() {
        return marks;
    }

    /** The open conversation is read up to the newest message it shows. */
    void openShown() {
        chat.state.conversations().selected().ifPresent(open -> {
            newest(open.id()).ifPresent(at -> marks.read(open.id(), at));
            tellNode(open);
        });
    }

    /**
     * A contact's conversation or a group shown with a message newer than the last we told the
     * node of: the node marks it read, and sends a read receipt (a read mark, in a group) if the
     * user turned them on for the contact (the group).
     */
    private void tellNode(Conversation open) {
        if (open.kind() != Conversation.Kind.CONTACT && open.kind() != Conversation.Kind.GROUP) {
            return;
        }
        OptionalLong incoming = chat.state.timeline(open.id()).entries().stream()
                .filter(entry -> !entry.own()).mapToLong(TimelineEntry::at).max();
        if (incoming.isEmpty() || incoming.getAsLong() <= toldNode.getOrDefault(open.id(), Long.MIN_VALUE)) {
            return;
        }
        toldNode.put(open.id(), incoming.getAsLong());
        // A node without read receipts refuses; nothing to show for it.
        if (open.kind() == Conversation.Kind.GROUP) {
            chat.node.submit(api -> api.markGroupRead(open.id(), java.util.Optional.empty()), marked -> { }, error -> { });
        } else {
            chat.node.submit(api -> api.markRead(open.id(), java.util.Optional.empty()), marked -> { }, error -> { });
        }
    }

    /** A conversation's latest history loaded: the open one is read, another counts what is past its marker. */
    void loaded(String id) {
        if (chat.state.conversations().selected().map(Conversation::id).filter(id::equals).isPresent()) {
            openShown();
            return;
        }
        OptionalLong marker = marks.readUpTo(id);
        if (marker.isEmpty() && marks.firstRun()) {
            newest(id).ifPresent(at -> marks.read(id, at));
            return;
        }
        long after = marker.orElse(-1);
        int unread = (int) chat.state.timeline(id).entries().stream()
                .filter(entry -> !entry.own() && entry.at() > after).count();
        chat.state.conversations().unread(id, unread);
        chat.notifier.unread(chat.state.conversations().totalUnread());
    }

    /** A message request listed at start, with its newest message: unread unless read before. */
    boolean requestUnread(String id, TimelineEntry newest) {
        return marks.readUpTo(id).stream().noneMatch(at -> at >= newest.at());
    }

    boolean muted(String id) {
        return chat.state.conversations().get(id).map(Conversation::muted).orElse(false);
    }

    /** Mutes the open conversation, or unmutes it; says which. */
    void toggleMute() {
        chat.state.conversations().selected().ifPresentOrElse(open -> {
            boolean mute = !open.muted();
            chat.state.conversations().muted(open.id(), mute);
            marks.mute(open.id(), mute);
            chat.notifier.unread(chat.state.conversations().totalUnread());
            chat.notice((mute ? "muted " : "unmuted ") + open.title()
                    + (mute ? " · no bell, and its unread stay out of the total" : ""));
        }, () -> chat.error("/mute works in a conversation"));
    }

    private OptionalLong newest(String id) {
        List<TimelineEntry> entries = chat.state.timeline(id).entries();
        return entries.stream().mapToLong(TimelineEntry::at).max();
    }
}
