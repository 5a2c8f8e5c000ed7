package org.parley.tui.app;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.screen.Screen;
import java.io.IOException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.parley.api.ApiException;
import org.parley.api.ParleyApi;

/**
 * The terminal client's UI thread: reads keys, applies what the worker and the node's events
 * post back, and redraws when something changed. Nothing on this thread waits for the node. A
 * flood of events is applied in bounded batches between keystrokes, so typing stays responsive.
 * Nothing is polled: the node's events carry every change the screen shows. When the node stops
 * answering (its event stream ends, or a call fails), the status bar says so and the client
 * reconnects, waiting longer after each failed attempt, then watches the node's events again and
 * reloads what it shows.
 */
public final class ChatClient {
    /** How often changed read markers and mutes are written to the marks file. */
    private static final Duration SAVE_MARKS = Duration.ofSeconds(3);
    private static final Duration IDLE_WAIT = Duration.ofMillis(15);
    private static final int EVENTS_PER_TURN = 256;

    private final NodeConnection connection;
    private final Screen screen;
    private final Notifier notifier;
    private final ZoneId zone;
    private final MarksStore marks;
    private final BlockingQueue<Runnable> posted = new LinkedBlockingQueue<>();
    private final ChatState state = new ChatState();
    private final Backoff backoff = new Backoff();
    private ParleyApi.Subscription events;
    /** Counts the watches made; only the current one's end says the node is gone. */
    private int watches;
    private boolean reconnecting;
    private long nextAttempt;
    private boolean attemptScheduled;

    /** A client that remembers read markers and mutes only while it runs. */
    public ChatClient(ParleyApi api, Screen screen, Notifier notifier, ZoneId zone) {
        this(NodeConnection.fixed(api), screen, notifier, zone, MarksStore.inMemory());
    }

    /** A client that keeps read markers and mutes in {@code marks} between runs. */
    public ChatClient(NodeConnection connection, Screen screen, Notifier notifier, ZoneId zone, MarksStore marks) {
        this.connection = connection;
        this.screen = screen;
        this.notifier = notifier;
        this.zone = zone;
        this.marks = marks;
    }

    /**
     * Runs until the user quits (or the input ends). The screen must be started; it is left as it
     * is. {@code onWatching} runs once the client receives the node's events: what happens from
     * then on reaches the screen.
     */
    public void run(Runnable onWatching) throws IOException, ApiException {
        try (ApiWorker worker = new ApiWorker(connection.api(), posted::add)) {
            ChatController chat = new ChatController(state, worker, notifier, zone, marks.load());
            events = watch(connection.api(), chat);
            try {
                onWatching.run();
                loop(chat, worker);
            } finally {
                events.close();
                saveMarks(chat);
            }
        }
    }

    private ParleyApi.Subscription watch(ParleyApi api, ChatController chat) throws ApiException {
        return watch(api, chat, Optional.empty());
    }

    private ParleyApi.Subscription watch(ParleyApi api, ChatController chat, Optional<String> after)
            throws ApiException {
        int watch = ++watches;
        return api.watch(after, event -> posted.add(() -> chat.onEvent(event)), reason -> posted.add(() -> {
            if (watch == watches) {
                state.unreachable(reason);
            }
        }));
    }

    private void loop(ChatController chat, ApiWorker worker) throws IOException {
        ChatRenderer renderer = new ChatRenderer(chat.layout());
        chat.start();
        long nextSave = System.nanoTime() + SAVE_MARKS.toNanos();
        boolean dirty = true;
        while (!state.quitting()) {
            if (screen.doResizeIfNecessary() != null) {
                dirty = true;
            }
            KeyStroke key;
            while ((key = screen.pollInput()) != null && !state.quitting()) {
                if (key.getKeyType() == KeyType.EOF) {
                    state.quit();
                    break;
                }
                chat.onKey(key, ChatRenderer.geometry(screen.getTerminalSize()));
                dirty = true;
            }
            dirty |= applyPosted(IDLE_WAIT);
            dirty |= state.expireTyping(System.currentTimeMillis());
            if (System.nanoTime() - nextSave > 0) {
                saveMarks(chat);
                nextSave = System.nanoTime() + SAVE_MARKS.toNanos();
            }
            reconnectWhenDue(chat, worker);
            if (dirty && !state.quitting()) {
                renderer.draw(state, screen);
                screen.refresh();
                dirty = false;
            }
        }
    }

    /**
     * While the node does not answer: schedules an attempt to reconnect, and makes it when due
     * (off this thread); each failure waits longer before the next.
     */
    private void reconnectWhenDue(ChatController chat, ApiWorker worker) {
        if (state.unreachable().isEmpty() || reconnecting) {
            return;
        }
        if (!attemptScheduled) {
            nextAttempt = System.nanoTime() + backoff.next().toNanos();
            attemptScheduled = true;
            return;
        }
        if (System.nanoTime() - nextAttempt < 0) {
            return;
        }
        reconnecting = true;
        worker.submit(api -> connection.reconnect(), fresh -> {
            reconnecting = false;
            attemptScheduled = false;
            // Resumed from the last event seen, the node replays what came meanwhile; when it no
            // longer holds that (it restarted), watch from now and reload what the screen shows.
            boolean caughtUp;
            try {
                ParleyApi.Subscription watching;
                try {
                    watching = watch(fresh, chat, chat.cursor());
                    caughtUp = chat.cursor().isPresent();
                } catch (ApiException e) {
                    if (e.kind() != ApiException.Kind.OUT_OF_RANGE) {
                        throw e;
                    }
                    watching = watch(fresh, chat);
                    caughtUp = false;
                }
                events.close();
                events = watching;
            } catch (ApiException e) {
                state.unreachable(e.getMessage());
                return;
            }
            worker.use(fresh);
            backoff.reset();
            state.unreachable(null);
            if (caughtUp) {
                chat.refresh();
            } else {
                chat.reconnected();
            }
        }, error -> {
            reconnecting = false;
            attemptScheduled = false;
            state.unreachable(error);
        });
    }

    private void saveMarks(ChatController chat) {
        if (chat.marks().takeChanged()) {
            marks.save(chat.marks());
        }
    }

    /** Applies what was posted, waiting up to {@code wait} for the first; true when anything was. */
    private boolean applyPosted(Duration wait) {
        Runnable first;
        try {
            first = posted.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            state.quit();
            return false;
        }
        if (first == null) {
            return false;
        }
        first.run();
        Runnable next;
        for (int applied = 1; applied < EVENTS_PER_TURN && (next = posted.poll()) != null; applied++) {
            next.run();
        }
        return true;
    }
}
