package org.parley.tui.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ListWindowTest {
    @Test
    void aListThatFitsShowsWhole() {
        assertEquals(new ListWindow(0, 5, false, false), ListWindow.of(5, 4, 5));
    }

    @Test
    void theHeadStaysWhileTheSelectionIsNearItAndAMarkerSaysMoreIsBelow() {
        assertEquals(new ListWindow(0, 9, false, true), ListWindow.of(40, 8, 10));
        assertEquals(new ListWindow(0, 9, false, true), ListWindow.of(40, -1, 10));
    }

    @Test
    void everySelectionIsVisibleBetweenTheMarkers() {
        for (int total = 1; total < 30; total++) {
            for (int rows = 3; rows < 12; rows++) {
                for (int selected = 0; selected < total; selected++) {
                    ListWindow window = ListWindow.of(total, selected, rows);
                    int used = window.end() - window.first() + (window.moreAbove() ? 1 : 0)
                            + (window.moreBelow() ? 1 : 0);
                    assertTrue(used <= rows, "fits: " + window);
                    assertTrue(selected >= window.first() && selected < window.end(), "visible: " + window);
                    assertEquals(window.first() > 0, window.moreAbove());
                    assertEquals(window.end() < total, window.moreBelow());
                }
            }
        }
    }

    @Test
    void theLastLineSelectedShowsTheTail() {
        assertEquals(new ListWindow(31, 40, true, false), ListWindow.of(40, 39, 10));
    }
}
