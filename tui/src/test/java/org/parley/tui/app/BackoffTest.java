package org.parley.tui.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void waitsDoubleUpToThirtySecondsAndStartOverAfterAReset() {
        Backoff backoff = new Backoff();
        List<Long> seconds = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            seconds.add(backoff.next().toSeconds());
        }
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L), seconds);
        for (int i = 0; i < 100; i++) {
            backoff.next();
        }
        assertEquals(Duration.ofSeconds(30), backoff.next(), "no overflow after many failures");
        backoff.reset();
        assertEquals(Duration.ofSeconds(1), backoff.next());
    }
}
