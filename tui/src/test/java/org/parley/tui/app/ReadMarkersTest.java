package org.parley.tui.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.api.EventView;
import org.parley.api.MessageView;

/** Unread counts and read markers across a restart of the client, on the same node. */
class ReadMarkersTest {
    private static final String ADA = FakeNode.peerId(2);
    private static final String BOB = FakeNode.peerId(3);
    private static final String CAROL = FakeNode.peerId(4);
    private static final String STRANGER = FakeNode.peerId(5);

    private final FakeNode node = new FakeNode();
    private final MarksStore store = MarksStore.inMemory();

    ReadMarkersTest() {
        node.contact(ADA, "ada");
        node.contact(BOB, "bob");
        node.contact(CAROL, "carol");
        node.histories.put(ADA, new ArrayList<>(List.of(FakeNode.incoming("a1", ADA, "old", 1_000))));
        node.histories.put(BOB, new ArrayList<>(List.of(FakeNode.incoming("b1", BOB, "old", 1_000))));
        node.histories.put(CAROL, new ArrayList<>());
    }

    /** A message that reaches the node: in its history, and to the client's events. */
    private void arrives(ControllerHarness client, MessageView message) {
        node.histories.get(message.peerId()).add(message);
        if (client != null) {
            client.event(new EventView(EventView.MESSAGE, message));
        }
    }

    @Test
    void theFirstRunCountsOldHistoryReadAndARestartKeepsWhatWasUnread() {
        ControllerHarness first = new ControllerHarness(node, store).start();
        assertEquals(ADA, first.open());
        assertEquals(0, first.unread(BOB), "nothing is remembered yet: old history counts as read");
        arrives(first, FakeNode.incoming("b2", BOB, "one", 2_000));
        arrives(first, FakeNode.incoming("b3", BOB, "two", 3_000));
        arrives(first, FakeNode.incoming("a2", ADA, "read at once", 3_500));
        assertEquals(2, first.unread(BOB));
        first.saveMarks();

        ControllerHarness second = new ControllerHarness(node, store).start();
        assertEquals(2, second.unread(BOB), "still unread after the restart");
        assertEquals(0, second.unread(ADA));
        assertEquals(2, second.state.conversations().totalUnread());

        second.ctrl('x');
        assertEquals(BOB, second.open());
        second.saveMarks();
        ControllerHarness third = new ControllerHarness(node, store).start();
        assertEquals(0, third.unread(BOB), "read in the second run");
    }

    @Test
    void messagesThatCameWhileNoClientRanCountUnread() {
        ControllerHarness first = new ControllerHarness(node, store).start();
        first.saveMarks();
        arrives(null, FakeNode.incoming("b2", BOB, "while away", 2_000));
        arrives(null, FakeNode.incoming("c1", CAROL, "first ever", 2_500));
        node.requests.add(FakeNode.request("r1", STRANGER, "hello", 2_600));

        ControllerHarness second = new ControllerHarness(node, store).start();
        assertEquals(1, second.unread(BOB));
        assertEquals(1, second.unread(CAROL), "a conversation with no marker is unread whole");
        assertEquals(1, second.unread(STRANGER));
        second.ctrl('x');
        second.ctrl('x');
        second.ctrl('x');
        assertEquals(0, second.state.conversations().totalUnread());
        second.saveMarks();

        ControllerHarness third = new ControllerHarness(node, store).start();
        assertEquals(0, third.state.conversations().totalUnread(), "the request was read too");
        assertTrue(third.state.conversations().get(STRANGER).isPresent());
    }
}
