package org.parley.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualSchedulerTest {
    private final VirtualScheduler loop = new VirtualScheduler(1_000L);
    private final List<Integer> ran = new ArrayList<>();

    @Test
    void tasksRunByDueTimeThenInTheOrderTheyWereSubmitted() {
        loop.schedule(Duration.ofMillis(20), () -> ran.add(3));
        loop.schedule(Duration.ofMillis(10), () -> ran.add(1));
        loop.schedule(Duration.ofMillis(10), () -> ran.add(2));
        loop.execute(() -> ran.add(0));

        loop.advance(Duration.ofMillis(15));
        assertEquals(List.of(0, 1, 2), ran);
        assertEquals(1_015L, loop.nowMillis());
        loop.advance(Duration.ofMillis(5));
        assertEquals(List.of(0, 1, 2, 3), ran);
    }

    @Test
    void aCancelledTaskNeverRunsAndCancellingARunTaskChangesNothing() {
        Scheduler.Cancellable cancelled = loop.schedule(Duration.ofMillis(10), () -> ran.add(1));
        Scheduler.Cancellable done = loop.schedule(Duration.ofMillis(5), () -> ran.add(2));
        cancelled.cancel();
        cancelled.cancel();
        loop.advance(Duration.ofMillis(7));
        done.cancel();
        loop.advance(Duration.ofSeconds(1));

        assertEquals(List.of(2), ran);
        assertEquals(0, loop.pendingTasks());
    }

    /** Many cancelled timeouts are swept out of the queue, and what is left runs in the same order. */
    @Test
    void cancelledTasksAreSweptWithoutChangingTheOrderOfTheRest() {
        List<Scheduler.Cancellable> timers = new ArrayList<>();
        List<Integer> expected = new ArrayList<>();
        int count = 20_000;
        for (int i = 0; i < count; i++) {
            int id = i;
            // Due times repeat, so that the order within one instant is tested too.
            timers.add(loop.schedule(Duration.ofMillis(1 + (i * 7919L) % 97), () -> ran.add(id)));
        }
        for (int i = 0; i < count; i++) {
            if (i % 10 == 0) {
                continue;
            }
            timers.get(i).cancel();
        }
        assertTrue(loop.pendingTasks() < count / 2, "swept: " + loop.pendingTasks() + " waiting");

        for (int millis = 1; millis <= 97; millis++) {
            for (int i = 0; i < count; i += 10) {
                if (1 + (i * 7919L) % 97 == millis) {
                    expected.add(i);
                }
            }
        }
        loop.advance(Duration.ofMillis(100));
        assertEquals(expected, ran);
        assertEquals(0, loop.pendingTasks());
    }
}
