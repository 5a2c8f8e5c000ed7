package org.parley.tui.app;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.parley.api.EventView;
import org.parley.tui.model.Conversation;
import org.parley.tui.model.TimelineEntry;

/** A controller on a {@link FakeNode}, driven key by key, its requests settled step by step. */
final class ControllerHarness {
    static final Geometry GEOMETRY = new Geometry(60, 10);

    final FakeNode node;
    final StepRequests requests;
    final ChatState state = new ChatState();
    final List<Integer> unreadTotals = new CopyOnWriteArrayList<>();
    final List<String> bells = new CopyOnWriteArrayList<>();
    final MarksStore marks;
    final ChatController controller;
    /** The client's clock, in milliseconds; moved by the tests. */
    long now = 1_000_000;

    ControllerHarness() {
        this(new FakeNode(), MarksStore.inMemory());
    }

    /** A controller on {@code node}, as a client restarted with the marks an earlier one saved. */
    ControllerHarness(FakeNode node, MarksStore marks) {
        this.node = node;
        this.requests = new StepRequests(node);
        this.marks = marks;
        this.controller = new ChatController(state, requests, new Notifier() {
            @Override
            public void bell() {
                bells.add("bell");
            }

            @Override
            public void unread(int total) {
                unreadTotals.add(total);
            }
        }, ZoneId.of("UTC"), marks.load(), () -> now);
    }

    /** Saves the marks, as the client does every few seconds and on quitting. */
    void saveMarks() {
        marks.save(controller.marks());
    }

    int unread(String id) {
        return state.conversations().get(id).orElseThrow().unread();
    }

    /** Starts the controller and settles what it asked. */
    ControllerHarness start() {
        controller.start();
        requests.settle();
        return this;
    }

    void key(KeyStroke key) {
        controller.onKey(key, GEOMETRY);
        requests.settle();
    }

    void key(KeyType type) {
        key(new KeyStroke(type));
    }

    void ctrl(char c) {
        key(new KeyStroke(c, true, false));
    }

    void alt(char c) {
        key(new KeyStroke(c, false, true));
    }

    void type(String text) {
        text.chars().forEach(c -> key(new KeyStroke((char) c, false, false)));
    }

    /** Types a line and presses Enter. */
    void enter(String line) {
        type(line);
        key(KeyType.Enter);
    }

    void event(EventView event) {
        controller.onEvent(event);
        requests.settle();
    }

    String open() {
        return state.conversations().selected().map(Conversation::id).orElse(null);
    }

    List<String> texts(String conversationId) {
        return state.timeline(conversationId).entries().stream().map(TimelineEntry::text).toList();
    }

    String notice() {
        return state.notice().map(ChatState.Notice::text).orElse(null);
    }

    boolean noticeIsError() {
        return state.notice().map(ChatState.Notice::error).orElse(false);
    }
}
