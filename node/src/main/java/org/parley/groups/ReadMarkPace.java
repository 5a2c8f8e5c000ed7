package org.parley.groups;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * How fast a member's read marks are taken in a group (decision 0062). An honest member sends one
 * mark each time its own mark moves and one more each time a link to us comes up; a hostile one can
 * send a stream over its pairwise session, each mark that moves costing a store and an event. So
 * at most one is taken per {@link #TAKE_EVERY} per member and group (the caller holds the latest of
 * those that come sooner and takes it when the time is due, so an honest last mark is never lost),
 * and beyond {@link #FLOOD_PER_MINUTE} in a minute the member is flooding: no honest client reads
 * two posts a second for a minute and tells each. Memory: one entry per member and group. Confined
 * to the node's loop.
 *
 * @param <K> what a member in a group is known by
 */
final class ReadMarkPace<K> {
    static final Duration TAKE_EVERY = Duration.ofSeconds(1);
    static final int FLOOD_PER_MINUTE = 120;
    private static final long MINUTE_MILLIS = Duration.ofMinutes(1).toMillis();

    private static final class Pace {
        long windowStartMillis;
        int inWindow;
        long takenAtMillis = Long.MIN_VALUE;
    }

    private final Map<K, Pace> paces = new HashMap<>();

    /** Counts a mark heard now; whether it is past the minute's allowance (then drop it and score its sender). */
    boolean flooding(K key, long nowMillis) {
        Pace pace = paces.computeIfAbsent(key, k -> new Pace());
        if (pace.inWindow == 0 || nowMillis - pace.windowStartMillis >= MINUTE_MILLIS) {
            pace.windowStartMillis = nowMillis;
            pace.inWindow = 0;
        }
        pace.inWindow++;
        return pace.inWindow > FLOOD_PER_MINUTE;
    }

    /** When a mark of {@code key} may next be taken: now or earlier means at once. */
    long dueAtMillis(K key) {
        Pace pace = paces.get(key);
        return pace == null || pace.takenAtMillis == Long.MIN_VALUE ? Long.MIN_VALUE
                : pace.takenAtMillis + TAKE_EVERY.toMillis();
    }

    /** A mark of {@code key} was taken now. */
    void took(K key, long nowMillis) {
        paces.computeIfAbsent(key, k -> new Pace()).takenAtMillis = nowMillis;
    }

    void forget(Predicate<K> which) {
        paces.keySet().removeIf(which);
    }
}
