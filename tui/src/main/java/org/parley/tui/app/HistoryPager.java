package org.parley.tui.app;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.parley.tui.model.Conversation;
import org.parley.tui.model.Timeline;
import org.parley.tui.model.TimelineEntry;
import org.parley.tui.model.TimelineLayout;

/**
 * Loads a conversation's history a page at a time: the latest page when it is first opened, an
 * older one when the user scrolls past the top of what is loaded (one request at a time).
 */
final class HistoryPager {
    /** Messages loaded per history page. */
    static final int PAGE = 50;

    private final ChatContext chat;
    private final TimelineLayout layout;
    private final ReadTracker reads;
    private final Set<String> asked = new HashSet<>();
    private boolean loadingOlder;

    HistoryPager(ChatContext chat, TimelineLayout layout, ReadTracker reads) {
        this.chat = chat;
        this.layout = layout;
        this.reads = reads;
    }

    /** The open conversation's latest page of history, loaded once (an invitation has none yet). */
    void ensureLoaded() {
        chat.state.conversations().selected().ifPresent(this::preload);
    }

    /**
     * A conversation's latest page of history, loaded once (an invitation has none yet), and
     * then its unread messages counted past its read marker.
     */
    void preload(Conversation conversation) {
        if (conversation.kind() != Conversation.Kind.INVITATION && asked.add(conversation.id())) {
            latest(conversation, PAGE, page -> {
                chat.state.timeline(conversation.id()).putOlder(page, PAGE);
                reads.loaded(conversation.id());
            });
        }
    }

    /** Loads every conversation's latest page again when next asked: the node may hold messages we missed. */
    void forgetLoaded() {
        asked.clear();
    }

    /** The latest {@code limit} messages of a conversation, as entries, to the UI thread. */
    void latest(Conversation conversation, int limit, Consumer<List<TimelineEntry>> then) {
        page(conversation, limit, Optional.empty(), then, chat::error);
    }

    /**
     * Scrolls the open conversation by {@code rows} (positive is up); reaching the top of what is
     * loaded asks for the page before it.
     */
    void scroll(Geometry geometry, int rows) {
        Optional<Conversation> open = chat.state.conversations().selected();
        if (open.isEmpty()) {
            return;
        }
        Timeline timeline = chat.state.timeline(open.get().id());
        int total = layout.rows(timeline.entries(), timeline.files(), geometry.timelineWidth()).size();
        int max = Math.max(0, total - geometry.timelineHeight());
        timeline.scroll(rows, max);
        if (rows > 0 && timeline.scrolledRows() == max && timeline.mayHaveOlder()) {
            loadOlder(open.get(), timeline);
        }
    }

    private void loadOlder(Conversation conversation, Timeline timeline) {
        Optional<String> before = timeline.oldest().map(TimelineEntry::id);
        if (loadingOlder || before.isEmpty()) {
            return;
        }
        loadingOlder = true;
        page(conversation, PAGE, before, page -> {
            loadingOlder = false;
            timeline.putOlder(page, PAGE);
        }, message -> {
            loadingOlder = false;
            chat.error(message);
        });
    }

    private void page(Conversation conversation, int limit, Optional<String> before,
                      Consumer<List<TimelineEntry>> then, Consumer<String> failed) {
        String id = conversation.id();
        if (conversation.isDirect()) {
            chat.node.submit(api -> api.history(id, limit, before), page -> {
                page.stream().filter(message -> message.file() != null)
                        .forEach(message -> chat.state.timeline(id).putFile(message.id(), message.file()));
                then.accept(page.stream().map(chat::entry).toList());
            }, failed);
        } else {
            chat.node.submit(api -> api.groupHistory(id, limit, before), page -> {
                page.stream().filter(message -> message.file() != null)
                        .forEach(message -> chat.state.timeline(id).putFile(message.entryId(), message.file()));
                then.accept(page.stream().map(chat::entry).toList());
            }, failed);
        }
    }
}
