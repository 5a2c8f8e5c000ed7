package org.parley.measure;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Percentiles of measured values, by the nearest-rank method. */
public final class Percentiles {
    private final List<Double> sorted;

    public Percentiles(List<? extends Number> values) {
        List<Double> copy = new ArrayList<>(values.size());
        values.forEach(value -> copy.add(value.doubleValue()));
        Collections.sort(copy);
        this.sorted = copy;
    }

    /** The value below which {@code fraction} of the values lie; NaN when there are none. */
    public double at(double fraction) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(fraction * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    public double max() {
        return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() - 1);
    }

    public int count() {
        return sorted.size();
    }
}
