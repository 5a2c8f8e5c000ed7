package org.parley.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PercentilesTest {
    @Test
    void nearestRankOnHandCountedValues() {
        Percentiles values = new Percentiles(List.of(5, 1, 4, 2, 3, 10, 9, 8, 7, 6));
        assertEquals(5.0, values.at(0.5));
        assertEquals(10.0, values.at(0.99));
        assertEquals(1.0, values.at(0.0));
        assertEquals(10.0, values.max());
        assertEquals(10, values.count());
    }

    @Test
    void noValuesHaveNoPercentiles() {
        assertTrue(Double.isNaN(new Percentiles(List.of()).at(0.5)));
        assertTrue(Double.isNaN(new Percentiles(List.of()).max()));
    }
}
