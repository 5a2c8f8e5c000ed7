package org.parley.tui.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.api.EventView;
import org.parley.api.FileEventView;
import org.parley.api.FileView;
import org.parley.api.GroupMessageView;
import org.parley.api.MessageView;
import org.parley.tui.model.TimelineLayout;

/**
 * A file's progress in the terminal client: the row under the message that offered it follows
 * the node's file events (a bar while it downloads, its state after), in direct messages and
 * groups, and nothing a peer named reaches the terminal raw.
 */
class FileProgressViewTest {
    private static final String ADA = FakeNode.peerId(2);

    private static List<String> rows(ControllerHarness chat, String conversation) {
        return new TimelineLayout(ZoneId.of("UTC")).rows(chat.state.timeline(conversation).entries(),
                chat.state.timeline(conversation).files(), 80).stream().map(TimelineLayout.Row::text).toList();
    }

    private static FileView file(String name, String state, int held, String path) {
        return new FileView(name, 2_500_000, "ab".repeat(32), state, path, held, 10, null);
    }

    @Test
    void aDownloadsBarFollowsItsFileEventsUntilTheFileIsHere() {
        ControllerHarness chat = new ControllerHarness();
        chat.node.contact(ADA, "ada");
        chat.start();
        MessageView offer = FakeNode.incoming("m1", ADA, "[file] song.ogg (2500000 bytes)", 5)
                .withFile(file("song.ogg", "downloading", 0, null));
        chat.event(new EventView(EventView.MESSAGE, offer));
        assertTrue(rows(chat, ADA).stream().anyMatch(row -> row.contains("[....................]   0%  song.ogg")),
                rows(chat, ADA).toString());

        chat.event(EventView.file(new FileEventView("m1", ADA, null, file("song.ogg", "downloading", 4, null))));
        assertTrue(rows(chat, ADA).stream().anyMatch(row -> row.contains("[########............]  40%  song.ogg")),
                rows(chat, ADA).toString());

        chat.event(EventView.file(new FileEventView("m1", ADA, null,
                file("song.ogg", "complete", 10, "/home/me/downloads/song.ogg"))));
        List<String> rows = rows(chat, ADA);
        assertTrue(rows.stream().anyMatch(row -> row.contains("✓ song.ogg  /home/me/downloads/song.ogg")), rows.toString());
        assertFalse(rows.stream().anyMatch(row -> row.contains("%")), "no bar once complete: " + rows);
        assertEquals(1, chat.state.timeline(ADA).entries().size());
    }

    @Test
    void aGroupFilesEventMovesItsRowAndAHostileNameIsDefused() {
        ControllerHarness chat = new ControllerHarness();
        String group = FakeNode.groupId(7);
        chat.node.group(group, "club", "joined");
        chat.start();
        String entry = "cd".repeat(32);
        chat.event(new EventView(EventView.GROUP, null, new GroupMessageView(group, entry, ADA,
                "[file] x (1 bytes)", 5, 6, 1).withFile(file("evil\u001b[2Jname", "downloading", 0, null))));
        chat.event(EventView.file(new FileEventView(entry, ADA, group, file("evil\u001b[2Jname", "failed", 3, null))));
        List<String> rows = rows(chat, group);
        assertTrue(rows.stream().anyMatch(row -> row.contains("✗ evil") && row.contains("failed")), rows.toString());
        assertTrue(rows.stream().noneMatch(row -> row.contains("\u001b")), "no escape reaches the terminal: " + rows);
    }
}
