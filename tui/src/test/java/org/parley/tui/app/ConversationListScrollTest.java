package org.parley.tui.app;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.tui.model.Conversation;
import org.parley.tui.model.TimelineLayout;

/** The conversation list on a screen too short for it, drawn and read back as text. */
class ConversationListScrollTest {
    private final ChatState state = new ChatState();
    private VirtualScreen screen;

    @AfterEach
    void stop() throws Exception {
        screen.screen.stopScreen();
    }

    private String draw() throws Exception {
        new ChatRenderer(new TimelineLayout(ZoneId.of("UTC"))).draw(state, screen.screen);
        screen.screen.refresh();
        return screen.text();
    }

    private static String listColumn(String text) {
        StringBuilder list = new StringBuilder();
        text.lines().forEach(row -> list.append(row, 0, Math.min(row.length(), 20)).append('\n'));
        return list.toString();
    }

    @Test
    void aRequestBelowTheFoldIsAnnouncedAndShowsOnceSelected() throws Exception {
        screen = new VirtualScreen(80, 12);
        for (int i = 0; i < 30; i++) {
            state.conversations().put(Conversation.Kind.CONTACT, "c" + i, String.format("contact %02d", i));
        }
        state.conversations().put(Conversation.Kind.REQUEST, "stranger", "stranger");
        state.conversations().incoming("stranger");
        state.conversations().select("c0");

        String list = listColumn(draw());
        assertTrue(list.contains("contact 00"), list);
        assertFalse(list.contains("stranger"), list);
        assertTrue(list.contains("↓ 24 more · 1 unread"), list);

        state.conversations().select("stranger");
        list = listColumn(draw());
        assertTrue(list.contains("stranger"), "the open request is in view:\n" + list);
        assertTrue(list.contains("Requests"), list);
        assertTrue(list.contains("↑ "), list);
        assertFalse(list.contains("contact 00"), list);
    }

    @Test
    void aListThatFitsHasNoMarkers() throws Exception {
        screen = new VirtualScreen(80, 12);
        state.conversations().put(Conversation.Kind.CONTACT, "c1", "ada");
        state.conversations().put(Conversation.Kind.REQUEST, "r1", "stranger");
        String list = listColumn(draw());
        assertTrue(list.contains("stranger"), list);
        assertFalse(list.contains("more"), list);
    }
}
