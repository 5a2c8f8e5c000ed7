package org.parley.tui.app;

import com.googlecode.lanterna.input.KeyStroke;
import java.time.ZoneId;
import java.util.Optional;
import org.parley.api.EventView;
import org.parley.tui.model.ConversationMarks;
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
    private final HistoryPager history;
    private final KeyMap keys;

    private final ReadTracker reads;
    private final TypingSender typing;

    /** A controller remembering nothing between runs. */
    public ChatController(ChatState state, NodeRequests node, Notifier notifier, ZoneId zone) {
        this(state, node, notifier, zone, new ConversationMarks(true));
    }

    /** A controller keeping read markers and mutes in {@code marks}, as an earlier run left them. */
    public ChatController(ChatState state, NodeRequests node, Notifier notifier, ZoneId zone,
                          ConversationMarks marks) {
        this(state, node, notifier, zone, marks, System::currentTimeMillis);
    }

    /** As above, on {@code clock} (milliseconds): how long typing shows, how often it is told. */
    ChatController(ChatState state, NodeRequests node, Notifier notifier, ZoneId zone, ConversationMarks marks,
                   java.util.function.LongSupplier clock) {
        this.layout = new TimelineLayout(zone);
        ChatContext chat = new ChatContext(state, node, notifier, clock);
        this.typing = new TypingSender(chat);
        this.reads = new ReadTracker(chat, marks);
        this.history = new HistoryPager(chat, layout, reads);
        Navigator navigator = new Navigator(chat, history, reads);
        this.sync = new NodeSync(chat, history, navigator, reads);
        this.keys = new KeyMap(state, new Commands(chat, navigator, sync, history, reads), navigator, history);
    }

    /** The read markers and mutes, to save. */
    public ConversationMarks marks() {
        return reads.marks();
    }

    public TimelineLayout layout() {
        return layout;
    }

    /** Loads who we are, the contacts, the message requests, the groups and the linked peers. */
    public void start() {
        sync.start();
    }

    /** Asks the node's outbox counts again (after catching up on a reconnect); events keep them after. */
    public void refresh() {
        sync.refresh();
    }

    /**
     * The node answers again after it did not: everything is asked again, and each conversation's
     * latest history, so what came meanwhile shows and counts; the open conversation stays open.
     */
    public void reconnected() {
        history.forgetLoaded();
        sync.start();
        history.ensureLoaded();
    }

    /** An event from the node. */
    public void onEvent(EventView event) {
        sync.onEvent(event);
    }

    /** The cursor of the last event from the node, to resume watching from. */
    public Optional<String> cursor() {
        return sync.cursor();
    }

    public void onKey(KeyStroke key, Geometry geometry) {
        keys.onKey(key, geometry);
        typing.inputChanged();
    }
}
