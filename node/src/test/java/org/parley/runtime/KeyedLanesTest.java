package org.parley.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Lanes keep each key's tasks in order and one at a time, let other keys' tasks through within
 * one turn however long one key's queue is, and refuse past their bounds only the key (or the
 * total) that is full.
 */
class KeyedLanesTest {
    /** The workers' queue, run by hand: one task at a time, oldest first. */
    private final ArrayDeque<Runnable> workers = new ArrayDeque<>();
    private final List<String> ran = new ArrayList<>();

    @Test
    void aKeysTasksRunInTheOrderGiven() {
        KeyedLanes<String> lanes = new KeyedLanes<>(workers::add, new KeyedLanes.Bounds(3, 100, 1000, 100, 1000));
        for (int i = 0; i < 10; i++) {
            submit(lanes, "a", "a" + i, 1);
        }
        assertEquals(1, workers.size(), "one lane queued, not one task per item");
        runAll();
        assertEquals(List.of("a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9"), ran);
        assertEquals(0, lanes.waiting());
    }

    @Test
    void aFloodingKeyDelaysAnotherKeysTaskByOneTurnAtMost() {
        KeyedLanes<String> lanes = new KeyedLanes<>(workers::add, new KeyedLanes.Bounds(4, 1000, 100_000, 2000, 200_000));
        for (int i = 0; i < 1000; i++) {
            submit(lanes, "flood", "f" + i, 10);
        }
        submit(lanes, "quiet", "q", 10);
        workers.poll().run(); // the flood's first turn
        workers.poll().run(); // then the quiet key, before the flood's next turn
        assertEquals(List.of("f0", "f1", "f2", "f3", "q"), ran);
        assertEquals(996, lanes.waiting("flood"));
        assertEquals(0, lanes.waiting("quiet"));
        runAll();
        assertEquals(1001, ran.size());
    }

    @Test
    void aFullLaneRefusesOnlyItsOwnKey() {
        KeyedLanes<String> lanes = new KeyedLanes<>(workers::add, new KeyedLanes.Bounds(4, 3, 1000, 10, 1000));
        assertTrue(submit(lanes, "flood", "f0", 1));
        assertTrue(submit(lanes, "flood", "f1", 1));
        assertTrue(submit(lanes, "flood", "f2", 1));
        assertFalse(submit(lanes, "flood", "f3", 1), "past the key's bound");
        assertTrue(submit(lanes, "other", "o0", 1), "another key still gets in");
        runAll();
        assertEquals(List.of("f0", "f1", "f2", "o0"), ran);
        assertTrue(submit(lanes, "flood", "f4", 1), "room again once the lane ran");
    }

    @Test
    void bytesAreBoundedPerKeyAndInTotal() {
        KeyedLanes<String> lanes = new KeyedLanes<>(workers::add, new KeyedLanes.Bounds(4, 100, 100, 100, 150));
        assertTrue(submit(lanes, "a", "a0", 100));
        assertFalse(submit(lanes, "a", "a1", 1), "the key's bytes are spent");
        assertTrue(submit(lanes, "b", "b0", 50));
        assertFalse(submit(lanes, "c", "c0", 1), "the total's bytes are spent");
        runAll();
        assertEquals(List.of("a0", "b0"), ran);
        assertTrue(submit(lanes, "c", "c1", 150 - 50));
    }

    @Test
    void theTotalBoundsEveryKeyTogether() {
        KeyedLanes<String> lanes = new KeyedLanes<>(workers::add, new KeyedLanes.Bounds(4, 2, 1000, 3, 1000));
        assertTrue(submit(lanes, "a", "a0", 1));
        assertTrue(submit(lanes, "b", "b0", 1));
        assertTrue(submit(lanes, "c", "c0", 1));
        assertFalse(submit(lanes, "d", "d0", 1));
        assertEquals(3, lanes.waiting());
    }

    @Test
    void aFailingTaskDoesNotStallItsLane() {
        KeyedLanes<String> lanes = new KeyedLanes<>(workers::add, new KeyedLanes.Bounds(4, 100, 1000, 100, 1000));
        submit(lanes, "a", "a0", 1);
        lanes.submit("a", 1, () -> {
            throw new IllegalStateException("a bug");
        });
        submit(lanes, "a", "a2", 1);
        runAll();
        assertEquals(List.of("a0", "a2"), ran);
        assertEquals(0, lanes.waiting());
    }

    @Test
    void boundsMustBeConsistent() {
        assertThrows(IllegalArgumentException.class, () -> new KeyedLanes.Bounds(0, 1, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new KeyedLanes.Bounds(1, 10, 1, 5, 1));
        assertThrows(IllegalArgumentException.class, () -> new KeyedLanes.Bounds(1, 1, 10, 1, 5));
    }

    @Test
    void onRealThreadsEachKeysTasksRunInOrderAndNeverTwoAtOnce() throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            KeyedLanes<Integer> lanes = new KeyedLanes<>(pool, new KeyedLanes.Bounds(3, 10_000, 1L << 30, 100_000, 1L << 30));
            int keys = 8;
            int perKey = 2000;
            Map<Integer, List<Integer>> seen = new ConcurrentHashMap<>();
            Map<Integer, AtomicInteger> running = new ConcurrentHashMap<>();
            AtomicInteger overlaps = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(keys * perKey);
            for (int key = 0; key < keys; key++) {
                seen.put(key, Collections.synchronizedList(new ArrayList<>()));
                running.put(key, new AtomicInteger());
            }
            for (int i = 0; i < perKey; i++) {
                for (int key = 0; key < keys; key++) {
                    int k = key;
                    int n = i;
                    assertTrue(lanes.submit(k, 1, () -> {
                        if (running.get(k).incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        seen.get(k).add(n);
                        running.get(k).decrementAndGet();
                        done.countDown();
                    }));
                }
            }
            assertTrue(done.await(60, TimeUnit.SECONDS), "every task ran");
            assertEquals(0, overlaps.get(), "a lane never ran two tasks at once");
            for (int key = 0; key < keys; key++) {
                List<Integer> order = seen.get(key);
                for (int i = 0; i < perKey; i++) {
                    assertEquals(i, order.get(i), "key " + key + " in order");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private boolean submit(KeyedLanes<String> lanes, String key, String label, long bytes) {
        return lanes.submit(key, bytes, () -> ran.add(label));
    }

    private void runAll() {
        while (!workers.isEmpty()) {
            workers.poll().run();
        }
    }
}
