package org.parley.overlay.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.parley.runtime.VirtualScheduler;

class SeenCacheTest {
    private final VirtualScheduler clock = new VirtualScheduler(0);

    @Test
    void remembersAnIdAndReportsASecondSightingAsOld() {
        SeenCache seen = new SeenCache(clock, 10, Duration.ofMinutes(1));
        assertTrue(seen.add(id(1)));
        assertFalse(seen.add(id(1)));
        assertTrue(seen.contains(id(1)));
        assertFalse(seen.contains(id(2)));
        assertEquals(1, seen.size());
    }

    @Test
    void holdsNoMoreThanItsCapacityAndEvictsTheOldestFirst() {
        SeenCache seen = new SeenCache(clock, 3, Duration.ofMinutes(1));
        for (int i = 1; i <= 5; i++) {
            seen.add(id(i));
        }
        assertEquals(3, seen.size());
        assertFalse(seen.contains(id(1)));
        assertFalse(seen.contains(id(2)));
        assertTrue(seen.contains(id(3)));
        assertTrue(seen.contains(id(4)));
        assertTrue(seen.contains(id(5)));
    }

    @Test
    void seeingAnIdAgainDoesNotSaveItFromEviction() {
        SeenCache seen = new SeenCache(clock, 3, Duration.ofMinutes(1));
        seen.add(id(1));
        seen.add(id(2));
        seen.add(id(3));
        assertFalse(seen.add(id(1)), "a replay must not refresh the entry");
        seen.add(id(4));
        assertFalse(seen.contains(id(1)), "still the oldest, so the first to go");
        assertTrue(seen.contains(id(2)));
    }

    @Test
    void forgetsAnIdWhenItsTimeIsUp() {
        SeenCache seen = new SeenCache(clock, 10, Duration.ofSeconds(10));
        seen.add(id(1));
        clock.advance(Duration.ofSeconds(4));
        seen.add(id(2));
        clock.advance(Duration.ofMillis(5_999));
        assertTrue(seen.contains(id(1)));
        clock.advance(Duration.ofMillis(1));
        assertFalse(seen.contains(id(1)), "expired exactly at its time to live");
        assertTrue(seen.contains(id(2)));
        clock.advance(Duration.ofSeconds(4));
        assertEquals(0, seen.size());
        assertTrue(seen.add(id(1)), "once forgotten, an ID is new again");
    }

    @Test
    void refusesAZeroCapacity() {
        assertThrows(IllegalArgumentException.class, () -> new SeenCache(clock, 0, Duration.ofSeconds(1)));
    }

    static GossipId id(int n) {
        return GossipId.of("topic", ByteString.copyFromUtf8("payload " + n));
    }
}
