package org.parley.tui.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.lanterna.input.KeyType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.api.MessageView;

class HistoryPagerTest {
    private static final String ADA = FakeNode.peerId(2);
    private static final String BOB = FakeNode.peerId(3);

    private static ControllerHarness withHistory(int messages) {
        ControllerHarness chat = new ControllerHarness();
        chat.node.contact(ADA, "ada");
        chat.node.contact(BOB, "bob");
        List<MessageView> history = new ArrayList<>();
        for (int i = 1; i <= messages; i++) {
            history.add(FakeNode.incoming(String.format("m%03d", i), ADA, "message " + i, i * 1_000L));
        }
        chat.node.histories.put(ADA, history);
        return chat.start();
    }

    @Test
    void openingAConversationLoadsItsLatestPageOnce() {
        ControllerHarness chat = withHistory(HistoryPager.PAGE + 10);
        assertEquals(1, chat.node.count("history " + ADA + " " + HistoryPager.PAGE));
        assertEquals(HistoryPager.PAGE, chat.texts(ADA).size());
        assertEquals("message 11", chat.texts(ADA).get(0));
        chat.ctrl('n');
        chat.ctrl('p');
        assertEquals(1, chat.node.count("history " + ADA + " " + HistoryPager.PAGE), "asked once");
    }

    @Test
    void scrollingPastTheTopAsksForTheOlderPageOnceAtATime() {
        ControllerHarness chat = withHistory(2 * HistoryPager.PAGE + 5);
        String older = "history " + ADA + " " + HistoryPager.PAGE + " before m056";
        for (int i = 0; i < 200 && chat.requests.waiting() == 0; i++) {
            chat.controller.onKey(new com.googlecode.lanterna.input.KeyStroke(KeyType.PageUp),
                    ControllerHarness.GEOMETRY);
        }
        assertEquals(1, chat.requests.waiting(), "the top was reached and one page asked for");
        chat.controller.onKey(new com.googlecode.lanterna.input.KeyStroke(KeyType.PageUp), ControllerHarness.GEOMETRY);
        assertEquals(1, chat.requests.waiting(), "no second request while one is out");
        chat.requests.settle();
        assertEquals(1, chat.node.count(older), chat.node.calls.toString());
        assertEquals(2 * HistoryPager.PAGE, chat.texts(ADA).size());
        assertEquals("message 6", chat.texts(ADA).get(0));
    }

    @Test
    void aShortPageMeansNothingOlderIsAskedFor() {
        ControllerHarness chat = withHistory(HistoryPager.PAGE + 3);
        for (int i = 0; i < 400; i++) {
            chat.key(KeyType.PageUp);
        }
        assertEquals(HistoryPager.PAGE + 3, chat.texts(ADA).size());
        assertEquals(2, chat.node.calls.stream().filter(call -> call.startsWith("history " + ADA)).count(),
                chat.node.calls.toString());
        assertFalse(chat.state.timeline(ADA).mayHaveOlder());
    }

    @Test
    void aFailedOlderPageShowsTheErrorAndTheNextScrollAsksAgain() {
        ControllerHarness chat = withHistory(2 * HistoryPager.PAGE);
        chat.node.failing = "daemon gone";
        for (int i = 0; i < 200 && !chat.noticeIsError(); i++) {
            chat.key(KeyType.PageUp);
        }
        assertEquals("daemon gone", chat.notice());
        chat.node.failing = null;
        chat.key(KeyType.PageUp);
        assertEquals(2 * HistoryPager.PAGE, chat.texts(ADA).size());
        assertTrue(chat.state.timeline(ADA).scrolledRows() > 0);
    }
}
