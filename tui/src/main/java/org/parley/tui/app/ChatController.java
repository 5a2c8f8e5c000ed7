package org.parley.tui.app;

import com.googlecode.lanterna.input.KeyStroke;
import java.time.ZoneId;
import org.parley.api.EventView;
import org.parley.tui.model.TimelineLayout;

/**
 * What keys, commands and node events do to the {@link ChatState}, put together from its parts:
 * the {@link KeyMap}, the {@link Commands}, the {@link HistoryPager}, the {@link Navigator} and
 * the {@link NodeSync}. Runs on the UI thread only; every request to the node goes through
 * {@link NodeRequests} and comes back as a posted result.
 */
public final class ChatController {
    private final TimelineLayout layout;
    private final NodeSync sync;
    private final KeyMap keys;

    public ChatController(ChatState state, NodeRequests node, Notifier notifier, ZoneId zone) {
        this.layout = new TimelineLayout(zone);
        ChatContext chat = new ChatContext(state, node, notifier);
        HistoryPager history = new HistoryPager(chat, layout);
        Navigator navigator = new Navigator(chat, history);
        this.sync = new NodeSync(chat, history, navigator);
        this.keys = new KeyMap(state, new Commands(chat, navigator, sync, history), navigator, history);
    }

    public TimelineLayout layout() {
        return layout;
    }

    /** Loads who we are, the contacts, the message requests, the groups and the linked peers. */
    public void start() {
        sync.start();
    }

    /** Asks the node what changes without an event (links, groups, outbox counts); called every few seconds. */
    public void refresh() {
        sync.refresh();
    }

    /** A message event from the node. */
    public void onEvent(EventView event) {
        sync.onEvent(event);
    }

    public void onKey(KeyStroke key, Geometry geometry) {
        keys.onKey(key, geometry);
    }
}
