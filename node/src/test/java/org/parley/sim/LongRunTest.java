package org.parley.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The long run at 20 nodes over three virtual hours (joining over time, hourly figures), and at 16 over two (sessions). */
class LongRunTest {
    private static final int NODES = 20;

    @Test
    void nodesJoinOverTheWindowAndEveryHourIsMeasured() {
        List<HourlyFigures> heard = new ArrayList<>();
        LongRunConfig config = LongRunConfig.of(3).withJoinWindow(Duration.ofMinutes(120)).withWorkload(12, 20);
        LongRunReport report = new LongRun(network(21), config, heard::add).run();

        List<HourlyFigures> hourly = report.hourly();
        assertEquals(3, hourly.size(), report.toText());
        assertEquals(3, heard.size(), "each hour is told as it ends");
        int joinedFirstHour = hourly.get(0).nodesJoined();
        // 4 bootstrap nodes at once, the other 16 uniformly over two hours: about 12 in the first.
        assertTrue(joinedFirstHour > 6 && joinedFirstHour < 18, report.toText());
        assertEquals(NODES, hourly.get(1).nodesJoined(), report.toText());
        assertEquals(NODES, hourly.get(2).nodesOnline(), "nobody leaves without sessions: " + report.toText());
        for (int h = 0; h < 3; h++) {
            HourlyFigures hour = hourly.get(h);
            assertEquals(h, hour.hour());
            assertEquals(12, hour.messages(), report.toText());
            // The first lookup is due 45 s in, before any node has been online the minute it waits for.
            assertTrue(hour.lookups() == 20 || h == 0 && hour.lookups() >= 18, report.toText());
            assertTrue(hour.expectedDeliveries() > 0);
            assertEquals(0, hour.departures());
        }
        assertTrue(hourly.get(0).expectedDeliveries() < hourly.get(2).expectedDeliveries(),
                "fewer subscribers while nodes were still joining: " + report.toText());
        assertEquals(36, report.messages());
        assertEquals(hourly.stream().mapToInt(HourlyFigures::lookups).sum(), report.lookups());
        assertEquals(1.0, report.deliveryRatio(), report.toText());
        assertEquals(1.0, report.lookupSuccess(), report.toText());
        assertTrue(hourly.get(2).storedRecordsMean() > 0, "records are held for the DHT: " + report.toText());
        assertEquals(LongRun.DELIVERY_RULE, report.deliveryRule());
    }

    @Test
    void withHeavyTailedSessionsNodesComeAndGoAndTheFiguresRepeatForASeed() {
        LongRunConfig config = LongRunConfig.of(2).withJoinWindow(Duration.ofMinutes(10))
                .withSessions(new Weibull(0.5, Duration.ofMinutes(40)), new Weibull(0.5, Duration.ofMinutes(15)))
                .withBootstrapChurn(true).withWorkload(12, 20);
        LongRunReport first = new LongRun(network(22, 16), config, hour -> { }).run();
        int departures = first.hourly().stream().mapToInt(HourlyFigures::departures).sum();
        int returns = first.hourly().stream().mapToInt(HourlyFigures::returns).sum();
        assertTrue(departures > 8 && returns > 4, first.toText());
        assertTrue(first.hourly().stream().anyMatch(hour -> hour.nodesOnline() < 16), first.toText());
        assertTrue(first.deliveryRatio() >= 0.95, first.toText());
        assertTrue(first.lookupSuccess() >= 0.9, first.toText());

        LongRunReport second = new LongRun(network(22, 16), config, hour -> { }).run();
        assertEquals(first.hourly(), second.hourly());
        assertEquals(first.toText().replaceAll("wall seconds +[0-9.]+", ""),
                second.toText().replaceAll("wall seconds +[0-9.]+", ""));
    }

    @Test
    void impossibleLongRunsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> LongRunConfig.of(0));
        assertThrows(IllegalArgumentException.class, () -> LongRunConfig.of(LongRunConfig.MAX_HOURS + 1));
        assertThrows(IllegalArgumentException.class, () -> LongRunConfig.of(2).withJoinWindow(Duration.ofHours(3)));
        assertThrows(IllegalArgumentException.class, () -> LongRunConfig.of(2).withBootstrapChurn(true));
        assertThrows(IllegalArgumentException.class, () -> LongRunConfig.of(2).withWorkload(0, 10));
    }

    private static SimConfig network(long seed) {
        return network(seed, NODES);
    }

    private static SimConfig network(long seed, int nodes) {
        return SimConfig.builder().nodes(nodes).seed(seed).build();
    }
}
