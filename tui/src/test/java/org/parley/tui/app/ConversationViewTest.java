package org.parley.tui.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.api.EventView;
import org.parley.api.GroupMessageView;
import org.parley.api.MessageView;
import org.parley.api.ReactionView;
import org.parley.tui.model.TimelineLayout;

/**
 * Replies, reactions, edits and deletions in the terminal client: the events that change a
 * message update it where it is shown, and the rows show the quote, the marks and the reactions,
 * with nothing a peer chose reaching the terminal raw.
 */
class ConversationViewTest {
    private static final String ADA = FakeNode.peerId(2);
    private static final String BOB = FakeNode.peerId(3);

    private static MessageView changed(MessageView message, String replyTo, List<ReactionView> reactions,
                                       String text, boolean edited, boolean deleted) {
        return new MessageView(message.id(), message.direction(), message.peerId(), text, message.sentAt(),
                message.receivedAt(), message.state(), message.reason(), message.request(), message.replicas(),
                replyTo, reactions, edited, deleted);
    }

    private static List<String> rows(ControllerHarness chat, String conversation) {
        return new TimelineLayout(ZoneId.of("UTC")).rows(chat.state.timeline(conversation).entries(), 80).stream()
                .map(TimelineLayout.Row::text).toList();
    }

    @Test
    void aReplyShowsItsQuoteAndChangesUpdateTheMessageInPlace() {
        ControllerHarness chat = new ControllerHarness();
        chat.node.contact(ADA, "ada");
        chat.start();
        MessageView question = FakeNode.incoming("m1", ADA, "picnic on sunday?", 5);
        chat.event(new EventView(EventView.MESSAGE, question));
        MessageView answer = changed(FakeNode.incoming("m2", ADA, "bring a blanket", 6), "m1", List.of(),
                "bring a blanket", false, false);
        chat.event(new EventView(EventView.MESSAGE, answer));

        List<String> rows = rows(chat, ADA);
        int quote = rows.indexOf(rows.stream().filter(row -> row.contains("↪ ")).findFirst().orElseThrow());
        assertTrue(rows.get(quote).contains("picnic on sunday?"), rows.toString());
        assertTrue(rows.get(quote + 1).contains("bring a blanket"), "the quote is above the reply: " + rows);

        chat.event(new EventView(EventView.MESSAGE_CHANGED, changed(question, null,
                List.of(new ReactionView(FakeNode.OWN_ID, "👍"), new ReactionView(BOB, "👍"),
                        new ReactionView(ADA, "🌞")), "picnic on saturday?", true, false)));
        rows = rows(chat, ADA);
        assertTrue(rows.stream().anyMatch(row -> row.contains("picnic on saturday? (edited)")), rows.toString());
        assertTrue(rows.stream().anyMatch(row -> row.contains("👍 2  🌞")), rows.toString());
        assertEquals(2, chat.state.timeline(ADA).entries().size(), "changed in place, not added");

        chat.event(new EventView(EventView.MESSAGE_CHANGED, changed(question, null, List.of(), "", false, true)));
        rows = rows(chat, ADA);
        assertTrue(rows.stream().anyMatch(row -> row.contains("(message deleted)")), rows.toString());
        assertFalse(rows.stream().anyMatch(row -> row.contains("saturday")), "nothing of a deleted text: " + rows);
    }

    @Test
    void aDeliveryUpdateKeepsAnEditAndGroupChangesArriveToo() {
        ControllerHarness chat = new ControllerHarness();
        chat.node.contact(ADA, "ada");
        String group = FakeNode.groupId(7);
        chat.node.group(group, "club", "joined");
        chat.start();
        MessageView sent = new MessageView("o1", "out", ADA, "helo", 5, null, "pending", null, false, null);
        chat.event(new EventView(EventView.MESSAGE, sent));
        chat.event(new EventView(EventView.MESSAGE_CHANGED, changed(sent, null, List.of(), "hello", true, false)));
        chat.event(new EventView(EventView.UPDATE, new MessageView("o1", "out", ADA, "helo", 5, 9L, "delivered", null,
                false, null)));
        assertEquals(List.of("hello"), chat.texts(ADA), "the update carries the text as sent; the edit stays");

        GroupMessageView post = new GroupMessageView(group, "e".repeat(64), ADA, "hi club", 5, 6, 1);
        chat.event(new EventView(EventView.GROUP, null, post));
        chat.event(new EventView(EventView.GROUP_MESSAGE_CHANGED, null, new GroupMessageView(group, post.entryId(),
                ADA, "hi club", 5, 6, 1, null, List.of(new ReactionView(BOB, "🎉")), false, false)));
        assertTrue(rows(chat, group).stream().anyMatch(row -> row.contains("🎉")), rows(chat, group).toString());
    }

    @Test
    void aHostileReactionOrQuoteReachesTheRowsDefused() {
        ControllerHarness chat = new ControllerHarness();
        chat.node.contact(ADA, "ada");
        chat.start();
        MessageView quoted = FakeNode.incoming("m1", ADA, "x\u001b]0;owned\u0007y", 5);
        chat.event(new EventView(EventView.MESSAGE, quoted));
        chat.event(new EventView(EventView.MESSAGE, changed(FakeNode.incoming("m2", ADA, "re", 6), "m1",
                List.of(new ReactionView(ADA, "\u001b[2J\u009b\u202e")), "re", false, false)));
        String all = String.join("\n", rows(chat, ADA));
        assertFalse(all.chars().anyMatch(c -> c == 0x1b || c == 0x07 || (c >= 0x80 && c <= 0x9f) || c == 0x202e),
                all);
        assertTrue(all.contains("\uFFFD"), "what was removed shows: " + all);
    }
}
