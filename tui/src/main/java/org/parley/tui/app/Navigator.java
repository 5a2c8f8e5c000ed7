package org.parley.tui.app;

/** Opening conversations: by ID, the next or previous in the list, the next with unread messages. */
final class Navigator {
    private final ChatContext chat;
    private final HistoryPager history;
    private final ReadTracker reads;

    Navigator(ChatContext chat, HistoryPager history, ReadTracker reads) {
        this.chat = chat;
        this.history = history;
        this.reads = reads;
    }

    void open(String id) {
        chat.state.conversations().select(id);
        opened();
    }

    /** Opens the first contact or group when nothing is open yet. */
    void openOneIfNoneIs() {
        if (chat.state.conversations().selected().isEmpty()) {
            chat.state.conversations().firstToOpen().ifPresent(first -> open(first.id()));
        }
    }

    void move(int step) {
        chat.state.conversations().move(step);
        opened();
    }

    void nextUnread() {
        if (!chat.state.conversations().selectNextUnread()) {
            chat.notice("no unread messages");
        }
        opened();
    }

    private void opened() {
        chat.state.panel(null);
        chat.notifier.unread(chat.state.conversations().totalUnread());
        reads.openShown();
        history.ensureLoaded();
    }
}
