package org.parley.tui.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.api.GroupMessageView;
import org.parley.api.MessageView;
import org.parley.tui.text.TextWidth;

class TimelineTest {
    private static final long DAY_ONE = 1_764_000_000_000L; // 2025-11-24T16:00:00Z

    private static TimelineEntry own(String id, long at, String state) {
        return TimelineEntry.of(new MessageView(id, "out", "p1bob", "text " + id, at, null, state, null, false, null), "me");
    }

    @Test
    void marksFollowTheStates() {
        assertEquals(DeliveryMark.PENDING, own("a", 0, "pending").mark());
        assertEquals(DeliveryMark.RELAYED, own("a", 0, "relayed").mark());
        assertEquals(DeliveryMark.DELIVERED, own("a", 0, "delivered").mark());
        assertEquals(DeliveryMark.FAILED, own("a", 0, "failed").mark());
        assertEquals(DeliveryMark.NONE, DeliveryMark.of("in", "received"));
    }

    @Test
    void anUpdateReplacesTheMessageAndDuplicatesAreKeptOnce() {
        Timeline timeline = new Timeline();
        assertTrue(timeline.put(own("a", DAY_ONE, "pending")));
        assertFalse(timeline.put(own("a", DAY_ONE, "delivered")));
        timeline.putOlder(List.of(own("a", DAY_ONE, "pending"), own("z", DAY_ONE - 5, "delivered")), 50);
        assertEquals(List.of("z", "a"), timeline.entries().stream().map(TimelineEntry::id).toList());
        assertEquals(DeliveryMark.DELIVERED, timeline.entries().get(1).mark());
        assertFalse(timeline.mayHaveOlder());
    }

    @Test
    void aStateReportedLateNeverMovesAMessageBack() {
        Timeline timeline = new Timeline();
        timeline.put(own("a", DAY_ONE, "delivered"));
        assertFalse(timeline.put(own("a", DAY_ONE, "pending")), "the send's answer, applied after the receipt");
        assertEquals(DeliveryMark.DELIVERED, timeline.entries().get(0).mark());
        timeline.put(own("b", DAY_ONE, "relayed"));
        timeline.put(own("b", DAY_ONE, "pending"));
        assertEquals(DeliveryMark.RELAYED, timeline.entries().get(1).mark());
        timeline.put(own("b", DAY_ONE, "failed"));
        timeline.put(own("b", DAY_ONE, "delivered"));
        assertEquals(DeliveryMark.DELIVERED, timeline.entries().get(1).mark(), "a receipt after giving up still counts");
    }

    @Test
    void aMessageArrivingWhileScrolledUpShowsTheNewBelowMarkerUntilTheBottom() {
        Timeline timeline = new Timeline();
        timeline.put(own("a", DAY_ONE, "pending"));
        timeline.scroll(5, 10);
        assertFalse(timeline.newBelow());
        timeline.put(own("b", DAY_ONE + 1, "pending"));
        assertTrue(timeline.newBelow());
        timeline.scroll(-3, 10);
        assertTrue(timeline.newBelow());
        timeline.scroll(-30, 10);
        assertEquals(0, timeline.scrolledRows());
        assertFalse(timeline.newBelow());
    }

    @Test
    void layoutSeparatesDaysAndWrapsUnderTheText() {
        Timeline timeline = new Timeline();
        timeline.put(own("a", DAY_ONE, "delivered"));
        timeline.put(TimelineEntry.of(new MessageView("b", "in", "p1bob", "你好 " + "word ".repeat(12),
                DAY_ONE + 86_400_000L, DAY_ONE + 86_400_000L, "received", null, false, null), "bob"));
        List<TimelineLayout.Row> rows = new TimelineLayout(ZoneOffset.UTC).rows(timeline.entries(), 30);
        assertTrue(rows.get(0).text().contains("Mon 24 Nov 2025"), rows.get(0).text());
        assertEquals("16:00 ✓ me: text a", rows.get(1).text());
        assertTrue(rows.get(2).text().contains("Tue 25 Nov 2025"));
        assertTrue(rows.get(3).text().startsWith("16:00   bob: 你好 word"), rows.get(3).text());
        assertTrue(rows.size() > 4);
        for (TimelineLayout.Row row : rows) {
            assertTrue(TextWidth.columns(row.text()) <= 30, row.text());
        }
        assertTrue(rows.get(4).text().startsWith("        word"), rows.get(4).text());
    }

    @Test
    void aRelayoutAtAnotherWidthRewrapsAndADeliveryUpdateChangesTheMark() {
        TimelineLayout layout = new TimelineLayout(ZoneOffset.UTC);
        Timeline timeline = new Timeline();
        timeline.put(TimelineEntry.of(new MessageView("a", "out", "p1bob", "one two three four five six",
                DAY_ONE, null, "pending", null, false, null), "me"));
        assertEquals(2, layout.rows(timeline.entries(), 80).size());
        assertTrue(layout.rows(timeline.entries(), 20).size() > 2);
        timeline.put(TimelineEntry.of(new MessageView("a", "out", "p1bob", "one two three four five six",
                DAY_ONE, DAY_ONE + 5, "failed", "expired", false, null), "me"));
        List<TimelineLayout.Row> rows = layout.rows(timeline.entries(), 80);
        assertEquals("16:00 ! me: one two three four five six (failed: expired)", rows.get(1).text());
        assertEquals(TimelineLayout.Row.Kind.FAILED, rows.get(1).kind());
    }

    @Test
    void searchFindsLoadedMessagesIgnoringCase() {
        Timeline timeline = new Timeline();
        timeline.put(own("a", DAY_ONE, "pending"));
        timeline.put(own("b", DAY_ONE + 1, "pending"));
        assertEquals(List.of("b"), timeline.search("TEXT B").stream().map(TimelineEntry::id).toList());
    }

    @Test
    void groupPostsLineUpWithoutMarksAndAreKeptOncePerLogEntry() {
        Timeline timeline = new Timeline();
        GroupMessageView mine = new GroupMessageView("g1", "e1", "p1me", "to all", DAY_ONE, DAY_ONE + 5, 1);
        GroupMessageView theirs = new GroupMessageView("g1", "e2", "p1bob", "hi all", DAY_ONE - 60_000, DAY_ONE + 60_000, 2);
        assertTrue(timeline.put(TimelineEntry.of(mine, "me", true)));
        assertTrue(timeline.put(TimelineEntry.of(theirs, "bob", false)));
        assertFalse(timeline.put(TimelineEntry.of(theirs, "bob", false)));
        List<TimelineLayout.Row> rows = new TimelineLayout(ZoneOffset.UTC).rows(timeline.entries(), 40);
        assertEquals("16:00   me: to all", rows.get(1).text());
        assertEquals("16:01   bob: hi all", rows.get(2).text());
    }
}
