package org.parley.tui.app;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.lanterna.input.KeyStroke;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.parley.api.ApiException;
import org.parley.api.EventView;
import org.parley.api.ParleyApi;

/**
 * A client whose node stops answering and later comes back, on Lanterna's virtual terminal: the
 * status bar says the screen may be stale, the client keeps trying, and once the node answers it
 * shows what came meanwhile and follows the node's events again.
 */
class ReconnectTest {
    private static final String ADA = FakeNode.peerId(2);

    @Test
    void aStoppedNodeIsShownAndTheClientReconnectsAndCatchesUp() throws Exception {
        FakeNode node = new FakeNode();
        node.contact(ADA, "ada");
        node.histories.put(ADA, new CopyOnWriteArrayList<>(List.of(FakeNode.incoming("a1", ADA, "before", 1_000))));
        AtomicInteger attempts = new AtomicInteger();
        NodeConnection connection = new NodeConnection() {
            @Override
            public ParleyApi api() {
                return node;
            }

            @Override
            public ParleyApi reconnect() throws ApiException {
                attempts.incrementAndGet();
                node.status();
                return node;
            }
        };
        VirtualScreen screen = new VirtualScreen(100, 20);
        ChatClient client = new ChatClient(connection, screen.screen, new Notifier() {
            @Override
            public void bell() {
            }

            @Override
            public void unread(int total) {
            }
        }, ZoneId.of("UTC"), MarksStore.inMemory());
        ExecutorService thread = Executors.newSingleThreadExecutor();
        Future<?> running = thread.submit(() -> {
            client.run(() -> { });
            return null;
        });
        try {
            screen.awaitText("ada: before");

            node.stop("connection refused");
            screen.awaitText(ChatRenderer.UNREACHABLE + "connection refused");
            screen.await("a second attempt", text -> attempts.get() >= 2);
            assertTrue(screen.text().contains("ada: before"), "what was shown stays, marked stale");

            node.histories.get(ADA).add(FakeNode.incoming("a2", ADA, "while you were away", 2_000));
            node.failing = null;
            screen.awaitText("ada: while you were away");
            screen.await("the status bar back to normal", text -> !text.contains(ChatRenderer.UNREACHABLE));
            assertFalse(node.watchers.isEmpty(), "watching the node's events again");

            node.emit(new EventView(EventView.MESSAGE, FakeNode.incoming("a3", ADA, "live again", 3_000)));
            screen.awaitText("ada: live again");
        } finally {
            screen.terminal.addInput(new KeyStroke('q', true, false));
            running.get(30, TimeUnit.SECONDS);
            thread.shutdown();
            screen.screen.stopScreen();
        }
    }
}
