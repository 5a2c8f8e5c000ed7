package org.parley.tui.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.lanterna.input.KeyType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.api.EventView;
import org.parley.api.GroupMessageView;
import org.parley.api.MessageView;
import org.parley.api.ReadView;
import org.parley.api.TypingView;
import org.parley.tui.model.DeliveryMark;
import org.parley.tui.model.TimelineEntry;

/** Read receipts and typing indicators in the terminal client (decision 0053). */
class ReadAndTypingTest {
    private static final String ADA = FakeNode.peerId(2);
    private static final String STRANGER = FakeNode.peerId(5);

    private static MessageView sent(String id, long at, String state) {
        return new MessageView(id, "out", ADA, "m" + id, at, null, state, null, false, null);
    }

    private static List<DeliveryMark> marks(ControllerHarness chat) {
        return chat.state.timeline(ADA).entries().stream().filter(TimelineEntry::own).map(TimelineEntry::mark).toList();
    }

    @Test
    void aReadEventMarksTheMessageItNamesAndEveryOneBeforeIt() {
        ControllerHarness chat = new ControllerHarness();
        chat.node.contact(ADA, "ada");
        chat.node.histories.put(ADA, List.of(sent("o1", 5, "delivered"), sent("o2", 6, "read"),
                sent("o3", 7, "delivered"), sent("o4", 8, "pending")));
        chat.start();
        assertEquals(List.of(DeliveryMark.DELIVERED, DeliveryMark.READ, DeliveryMark.DELIVERED, DeliveryMark.PENDING),
                marks(chat), "history says which were read");

        chat.event(EventView.read(new ReadView(ADA, "o3", 9)));
        assertEquals(List.of(DeliveryMark.READ, DeliveryMark.READ, DeliveryMark.READ, DeliveryMark.PENDING),
                marks(chat));
        chat.event(new EventView(EventView.UPDATE, sent("o2", 6, "delivered")));
        assertEquals(DeliveryMark.READ, marks(chat).get(1), "a late delivery update does not move it back");
        chat.event(EventView.read(new ReadView(ADA, "unknown", 9)));
        assertEquals(DeliveryMark.PENDING, marks(chat).get(3), "a receipt for a message not shown changes nothing");
    }

    @Test
    void aContactsConversationShownWithANewMessageIsMarkedReadOnce() {
        ControllerHarness chat = new ControllerHarness();
        chat.node.contact(ADA, "ada");
        chat.start();
        chat.event(new EventView(EventView.MESSAGE, FakeNode.incoming("i1", ADA, "hi", 5)));
        chat.requests.settle();
        assertEquals(1, chat.node.count("markRead " + ADA));
        chat.event(new EventView(EventView.MESSAGE, sent("o1", 6, "pending")));
        chat.requests.settle();
        assertEquals(1, chat.node.count("markRead " + ADA), "nothing new from Ada: nothing to mark");
        chat.event(new EventView(EventView.MESSAGE, FakeNode.incoming("i2", ADA, "there?", 7)));
        chat.requests.settle();
        assertEquals(2, chat.node.count("markRead " + ADA));

        chat.event(new EventView(EventView.MESSAGE, FakeNode.request("r1", STRANGER, "hello", 8)));
        chat.requests.settle();
        assertEquals(0, chat.node.count("markRead " + STRANGER), "a message request is never marked read");
    }

    @Test
    void typingIsToldWhileComposingAtMostEveryThreeSecondsAndStopsWhenSent() {
        ControllerHarness chat = new ControllerHarness();
        chat.node.contact(ADA, "ada");
        chat.start();
        chat.type("hel");
        assertEquals(1, chat.node.count("typing " + ADA + " true"), "one start for three keys");
        chat.now += TypingSender.EVERY_MILLIS;
        chat.type("lo");
        assertEquals(2, chat.node.count("typing " + ADA + " true"), "again after 3 s");
        chat.key(KeyType.Enter);
        assertEquals(1, chat.node.count("typing " + ADA + " false"), "sent: stopped");

        chat.type("/ids");
        assertEquals(2, chat.node.count("typing " + ADA + " true"), "a command is no message being typed");
    }

    @Test
    void aContactTypingShowsForAFewSecondsAndEndsWithItsMessage() {
        ControllerHarness chat = new ControllerHarness();
        chat.node.contact(ADA, "ada");
        chat.start();
        chat.event(EventView.typing(new TypingView(ADA, true)));
        assertTrue(chat.state.typing(ADA, chat.now));
        assertFalse(chat.state.typing(ADA, chat.now + ChatState.TYPING_SHOWN_MILLIS), "not refreshed: gone");
        chat.event(new EventView(EventView.MESSAGE, FakeNode.incoming("i1", ADA, "hi", 5)));
        assertFalse(chat.state.typing(ADA, chat.now), "its message ends it");
        chat.event(EventView.typing(new TypingView(ADA, true)));
        chat.event(EventView.typing(new TypingView(ADA, false)));
        assertFalse(chat.state.typing(ADA, chat.now));
        chat.event(EventView.typing(new TypingView(ADA, true)));
        assertTrue(chat.state.expireTyping(chat.now + ChatState.TYPING_SHOWN_MILLIS), "the screen is drawn again");
        assertFalse(chat.state.typing(ADA, chat.now));
    }

    @Test
    void aGroupShownIsMarkedReadAndOwnPostsAMemberReadShowAsRead() {
        String group = "ab".repeat(16);
        ControllerHarness chat = new ControllerHarness();
        chat.node.group(group, "club", "joined");
        chat.start();
        String own = chat.state.ownPeerId();
        GroupMessageView first = new GroupMessageView(group, "11".repeat(32), own, "one", 1L, 1L, 1L);
        chat.event(new EventView(EventView.GROUP, null, first));
        chat.event(new EventView(EventView.GROUP, null, new GroupMessageView(group, "22".repeat(32), ADA, "hi", 2L,
                2L, 2L)));
        chat.event(new EventView(EventView.GROUP, null, new GroupMessageView(group, "33".repeat(32), own, "three",
                3L, 3L, 3L)));
        for (int i = 0; i < 3 && !group.equals(chat.open()); i++) {
            chat.ctrl('n');
        }
        assertEquals(group, chat.open());
        chat.requests.settle();
        assertEquals(1, chat.node.count("markGroupRead " + group), "shown with a member's post: marked read");
        assertEquals(0, chat.node.count("markRead " + ADA), "not the member's own conversation");

        List<DeliveryMark> shown = chat.state.timeline(group).entries().stream().filter(TimelineEntry::own)
                .map(TimelineEntry::mark).toList();
        assertEquals(List.of(DeliveryMark.NONE, DeliveryMark.NONE), shown, "nobody is known to have read them");
        chat.event(EventView.read(new ReadView(ADA, "22".repeat(32), 9, group)));
        shown = chat.state.timeline(group).entries().stream().filter(TimelineEntry::own).map(TimelineEntry::mark)
                .toList();
        assertEquals(List.of(DeliveryMark.READ, DeliveryMark.NONE), shown, "read up to Ada's post: only the one before");
        chat.event(new EventView(EventView.GROUP_MESSAGE_CHANGED, null, first));
        assertEquals(DeliveryMark.READ, chat.state.timeline(group).entries().get(0).mark(), "a change does not undo it");
        chat.event(new EventView(EventView.GROUP, null, new GroupMessageView(group, "33".repeat(32), own, "three",
                3L, 3L, 3L, null, List.of(), false, false, null, List.of(ADA))));
        assertEquals(DeliveryMark.READ, chat.state.timeline(group).entries().get(2).mark(), "history's readers show");
        assertTrue(chat.state.timeline(ADA).entries().isEmpty(), "a member's mark is not about her conversation");
    }

    @Test
    void inAGroupTypingIsToldToTheGroupAndAMembersShowsThereOnly() {
        String group = "ab".repeat(16);
        ControllerHarness chat = new ControllerHarness();
        chat.node.contact(ADA, "ada");
        chat.node.group(group, "club", "joined");
        chat.start();
        chat.event(new EventView(EventView.GROUP, null, new GroupMessageView(group, "11".repeat(32), ADA, "hi", 1L,
                2L, 1L, null, List.of(), false, false)));
        for (int i = 0; i < 3 && !group.equals(chat.open()); i++) {
            chat.ctrl('n');
        }
        assertEquals(group, chat.open());
        chat.type("hel");
        assertEquals(1, chat.node.count("groupTyping " + group + " true"));
        assertEquals(0, chat.node.count("typing " + ADA + " true"), "nothing to the member's own conversation");

        chat.event(EventView.typing(new TypingView(ADA, true, group)));
        assertEquals(List.of(ADA), chat.state.typingIn(group, chat.now));
        assertFalse(chat.state.typing(ADA, chat.now), "a member typing in a group is not typing to us");
        chat.event(new EventView(EventView.GROUP, null, new GroupMessageView(group, "22".repeat(32), ADA, "there",
                3L, 4L, 2L, null, List.of(), false, false)));
        assertFalse(chat.state.typing(group, chat.now), "its post ends it");
    }
}
