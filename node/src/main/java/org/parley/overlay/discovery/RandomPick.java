package org.parley.overlay.discovery;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.parley.runtime.Rng;

/**
 * Uniform random choices on the node's {@link Rng}, so that seeded runs pick the same peers.
 * Shared by link keeping and peer exchange, which draw from one generator in one order.
 */
final class RandomPick {
    private final Rng rng;

    RandomPick(Rng rng) {
        this.rng = rng;
    }

    /** Up to {@code count} items that pass {@code filter}, chosen uniformly at random. */
    <T> List<T> pick(List<T> items, int count, Predicate<T> filter) {
        List<T> eligible = new ArrayList<>();
        for (T item : items) {
            if (filter.test(item)) {
                eligible.add(item);
            }
        }
        // A partial Fisher-Yates shuffle.
        int picked = Math.min(count, eligible.size());
        for (int i = 0; i < picked; i++) {
            int j = i + (int) rng.nextLong(eligible.size() - i);
            T swap = eligible.get(i);
            eligible.set(i, eligible.get(j));
            eligible.set(j, swap);
        }
        return new ArrayList<>(eligible.subList(0, picked));
    }

    /** A number in [0, bound). */
    long below(long bound) {
        return rng.nextLong(bound);
    }

    /** A number in [0, 1). */
    double chance() {
        return rng.nextDouble();
    }
}
