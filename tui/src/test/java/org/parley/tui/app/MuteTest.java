package org.parley.tui.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.parley.api.EventView;

class MuteTest {
    private static final String ADA = FakeNode.peerId(2);
    private static final String BOB = FakeNode.peerId(3);

    @Test
    void aMutedConversationCountsUnreadWithoutBellOrTotalAndStaysMutedAfterARestart() {
        FakeNode node = new FakeNode();
        node.contact(ADA, "ada");
        node.contact(BOB, "bob");
        MarksStore store = MarksStore.inMemory();
        ControllerHarness chat = new ControllerHarness(node, store).start();
        chat.ctrl('n');
        assertEquals(BOB, chat.open());
        chat.enter("/mute");
        assertEquals("muted bob · no bell, and its unread stay out of the total", chat.notice());
        chat.ctrl('p');
        chat.event(new EventView(EventView.MESSAGE, FakeNode.incoming("b1", BOB, "psst", 5)));
        assertTrue(chat.bells.isEmpty());
        assertEquals(1, chat.unread(BOB));
        assertEquals(0, chat.state.conversations().totalUnread());
        chat.saveMarks();

        ControllerHarness again = new ControllerHarness(node, store).start();
        assertTrue(again.state.conversations().get(BOB).orElseThrow().muted());
        again.event(new EventView(EventView.MESSAGE, FakeNode.incoming("b2", BOB, "psst", 6)));
        assertTrue(again.bells.isEmpty());
        again.ctrl('n');
        again.enter("/mute");
        assertEquals("unmuted bob", again.notice());
        again.ctrl('p');
        again.event(new EventView(EventView.MESSAGE, FakeNode.incoming("b3", BOB, "hey", 7)));
        assertEquals(1, again.bells.size());
        assertFalse(again.state.conversations().get(BOB).orElseThrow().muted());
    }

    @Test
    void muteNeedsAnOpenConversation() {
        ControllerHarness chat = new ControllerHarness().start();
        chat.enter("/mute");
        assertEquals("/mute works in a conversation", chat.notice());
        assertTrue(chat.noticeIsError());
    }
}
