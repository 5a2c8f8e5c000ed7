package org.parley.tui.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import org.junit.jupiter.api.Test;
import org.parley.api.EventView;

class KeyMapTest {
    private static final String ADA = FakeNode.peerId(2);
    private static final String BOB = FakeNode.peerId(3);
    private static final String CAROL = FakeNode.peerId(4);

    private ControllerHarness withContacts() {
        ControllerHarness chat = new ControllerHarness();
        chat.node.contact(ADA, "ada");
        chat.node.contact(BOB, "bob");
        chat.node.contact(CAROL, "carol");
        return chat.start();
    }

    @Test
    void enterSendsTheLineToTheOpenConversationAndAltEnterBreaksTheLine() {
        ControllerHarness chat = withContacts();
        assertEquals(ADA, chat.open());
        chat.type("two");
        chat.key(new KeyStroke(KeyType.Enter, false, true));
        chat.type("lines");
        assertEquals("two\nlines", chat.state.input().text());
        chat.key(KeyType.Enter);
        assertTrue(chat.node.calls.contains("send " + ADA + " two\nlines"), chat.node.calls.toString());
        assertEquals("", chat.state.input().text());
        assertTrue(chat.texts(ADA).contains("two\nlines"), "the sent message joins the timeline");
    }

    @Test
    void ctrlNAndCtrlPAndAltArrowsSwitchConversationsInListOrder() {
        ControllerHarness chat = withContacts();
        chat.ctrl('n');
        assertEquals(BOB, chat.open());
        chat.key(new KeyStroke(KeyType.ArrowDown, false, true));
        assertEquals(CAROL, chat.open());
        chat.ctrl('n');
        assertEquals(ADA, chat.open(), "the list wraps around");
        chat.ctrl('p');
        assertEquals(CAROL, chat.open());
        chat.key(new KeyStroke(KeyType.ArrowUp, true, false));
        assertEquals(BOB, chat.open());
    }

    @Test
    void ctrlXOpensTheNextConversationWithUnreadMessagesOrSaysThereIsNone() {
        ControllerHarness chat = withContacts();
        chat.ctrl('x');
        assertEquals("no unread messages", chat.notice());
        chat.event(new EventView(EventView.MESSAGE, FakeNode.incoming("m1", CAROL, "hi", 5)));
        chat.alt('a');
        assertEquals(CAROL, chat.open());
        assertEquals(0, chat.state.conversations().totalUnread());
    }

    @Test
    void readlineKeysEditTheInput() {
        ControllerHarness chat = withContacts();
        chat.type("hello brave world");
        chat.ctrl('w');
        assertEquals("hello brave ", chat.state.input().text());
        chat.ctrl('a');
        chat.ctrl('k');
        assertEquals("", chat.state.input().text());
        chat.type("abc");
        chat.key(KeyType.ArrowLeft);
        chat.ctrl('u');
        assertEquals("c", chat.state.input().text());
        chat.key(KeyType.Enter);
        chat.key(KeyType.ArrowUp);
        assertEquals("c", chat.state.input().text(), "Up brings back the line sent");
    }

    @Test
    void f1OpensHelpEscClosesItAndCtrlQQuits() {
        ControllerHarness chat = withContacts();
        chat.key(KeyType.F1);
        assertEquals("Help", chat.state.panel().orElseThrow().title());
        chat.key(KeyType.Escape);
        assertTrue(chat.state.panel().isEmpty());
        assertFalse(chat.state.quitting());
        chat.ctrl('q');
        assertTrue(chat.state.quitting());
    }

    @Test
    void tabCompletesAConversationTitle() {
        ControllerHarness chat = withContacts();
        chat.type("/group invite car");
        chat.key(KeyType.Tab);
        assertEquals("/group invite carol", chat.state.input().text().strip());
    }

    @Test
    void aPastedLineBreakJoinsTheInputAndAPastedControlCharacterDoesNothing() {
        ControllerHarness chat = withContacts();
        chat.key(BracketedPaste.PASTE_START);
        chat.type("first line");
        chat.key(KeyType.Enter);
        chat.type("second");
        chat.ctrl('q');
        chat.ctrl('u');
        chat.key(KeyType.Tab);
        chat.type("end");
        chat.key(BracketedPaste.PASTE_END);
        assertTrue(chat.node.calls.stream().noneMatch(call -> call.startsWith("send")), chat.node.calls.toString());
        assertFalse(chat.state.quitting());
        assertEquals("first line\nsecond\tend", chat.state.input().text());
        chat.key(KeyType.Enter);
        assertEquals(1, chat.node.calls.stream().filter(call -> call.startsWith("send")).count());
        assertTrue(chat.node.calls.contains("send " + ADA + " first line\nsecond\tend"));
    }

    @Test
    void escEndsAPasteWhoseEndMarkerNeverCame() {
        ControllerHarness chat = withContacts();
        chat.key(BracketedPaste.PASTE_START);
        chat.type("stuck");
        chat.key(KeyType.Escape);
        chat.key(KeyType.Enter);
        assertTrue(chat.node.calls.contains("send " + ADA + " stuck"));
    }
}
