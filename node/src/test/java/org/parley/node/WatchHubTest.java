package org.parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.parley.api.ApiException;
import org.parley.api.EventView;
import org.parley.api.MessageView;
import org.parley.api.ParleyApi;

class WatchHubTest {
    private final WatchHub hub = new WatchHub("00aa11bb22cc33dd");

    @Test
    void aWatcherResumedFromACursorGetsExactlyWhatCameAfterItThenGoesLive() throws Exception {
        List<EventView> first = new ArrayList<>();
        ParleyApi.Subscription watching = hub.add(Optional.empty(), first::add);
        publish("one");
        publish("two");
        watching.close();
        publish("three");
        publish("four");

        assertEquals(List.of(EventView.WATCHING, EventView.MESSAGE, EventView.MESSAGE), types(first));
        List<EventView> resumed = new ArrayList<>();
        hub.add(Optional.of(first.get(1).cursor()), resumed::add);
        publish("five");
        assertEquals(List.of("two", "three", "four"), texts(resumed.subList(0, 3)));
        assertEquals(EventView.WATCHING, resumed.get(3).type());
        assertEquals("five", resumed.get(4).message().text());
        assertEquals(resumed.get(2).cursor(), resumed.get(3).cursor(), "live after the last event replayed");
        assertEquals(5, resumed.stream().map(EventView::cursor).distinct().count() + 1);
    }

    @Test
    void theCursorOfTheNewestEventResumesWithNothingMissedAndAnEmptyHubToo() throws Exception {
        List<EventView> events = new ArrayList<>();
        hub.add(Optional.empty(), events::add);
        String start = events.get(0).cursor();
        List<EventView> again = new ArrayList<>();
        hub.add(Optional.of(start), again::add);
        assertEquals(List.of(EventView.WATCHING), types(again));
        publish("x");
        assertEquals("x", again.get(1).message().text());
    }

    @Test
    void aCursorOlderThanWhatIsKeptOrFromAnotherRunIsTooOld() throws Exception {
        List<EventView> events = new ArrayList<>();
        hub.add(Optional.empty(), events::add);
        publish("first");
        String firstCursor = events.get(1).cursor();
        for (int i = 0; i <= WatchHub.MAX_KEPT_EVENTS; i++) {
            publish("more");
        }
        ApiException tooOld = assertThrows(ApiException.class, () -> hub.add(Optional.of(firstCursor), e -> { }));
        assertEquals(ApiException.Kind.OUT_OF_RANGE, tooOld.kind());
        assertTrue(tooOld.getMessage().startsWith("cursor too old"), tooOld.getMessage());
        String newest = events.get(events.size() - 1).cursor();
        List<EventView> justKept = new ArrayList<>();
        hub.add(Optional.of(events.get(events.size() - WatchHub.MAX_KEPT_EVENTS).cursor()), justKept::add);
        assertEquals(WatchHub.MAX_KEPT_EVENTS, justKept.size(), "every kept event after it, then watching");

        WatchHub restarted = new WatchHub("99aa11bb22cc33dd");
        assertEquals(ApiException.Kind.OUT_OF_RANGE,
                assertThrows(ApiException.class, () -> restarted.add(Optional.of(newest), e -> { })).kind());
        String ahead = newest.substring(0, newest.lastIndexOf('-') + 1) + "999999";
        assertEquals(ApiException.Kind.OUT_OF_RANGE,
                assertThrows(ApiException.class, () -> hub.add(Optional.of(ahead), e -> { })).kind());
    }

    @Test
    void bigEventsAreKeptWithinTheByteBound() throws Exception {
        List<EventView> events = new ArrayList<>();
        hub.add(Optional.empty(), events::add);
        String big = "x".repeat(60_000);
        for (int i = 0; i < 200; i++) {
            publish(big);
        }
        long keptAtMost = WatchHub.MAX_KEPT_BYTES / (2L * big.length());
        String old = events.get(200 - (int) keptAtMost - 1).cursor();
        assertEquals(ApiException.Kind.OUT_OF_RANGE,
                assertThrows(ApiException.class, () -> hub.add(Optional.of(old), e -> { })).kind());
    }

    @Test
    void malformedCursorsAreInvalidArguments() {
        for (String cursor : new String[] {"", "-", "abc", "00aa11bb22cc33dd-", "00aa11bb22cc33dd-x", "-5",
                "00aa11bb22cc33dd--1", "00aa11bb22cc33dd-99999999999999999999"}) {
            ApiException refused = assertThrows(ApiException.class, () -> hub.add(Optional.of(cursor), e -> { }),
                    cursor);
            assertNotEquals(ApiException.Kind.FAILED_PRECONDITION, refused.kind(), cursor);
            assertTrue(refused.kind() == ApiException.Kind.INVALID_ARGUMENT
                    || refused.kind() == ApiException.Kind.OUT_OF_RANGE, cursor + " " + refused.kind());
        }
    }

    private void publish(String text) {
        hub.publish(new EventView(EventView.MESSAGE, new MessageView("00".repeat(16), "in", "p1peer", text, 1L, 2L,
                "received", null, false, null)));
    }

    private static List<String> types(List<EventView> events) {
        return events.stream().map(EventView::type).toList();
    }

    private static List<String> texts(List<EventView> events) {
        return events.stream().map(event -> event.message().text()).toList();
    }
}
