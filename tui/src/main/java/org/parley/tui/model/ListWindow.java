package org.parley.tui.model;

/**
 * Which lines of a list taller than its rows are shown so the selected line stays visible: lines
 * {@code first} (inclusive) to {@code end} (exclusive), a marker row above them when lines are
 * hidden above, and one below when lines are hidden below. The window moves only as far as the
 * selection needs, so the list's head stays in view while the selection is near it.
 */
public record ListWindow(int first, int end, boolean moreAbove, boolean moreBelow) {
    /**
     * The window over {@code total} lines for {@code rows} rows (at least 3), with line
     * {@code selected} visible; a negative {@code selected} shows the head.
     */
    public static ListWindow of(int total, int selected, int rows) {
        if (total <= rows) {
            return new ListWindow(0, total, false, false);
        }
        if (selected < rows - 1) {
            return new ListWindow(0, rows - 1, false, true);
        }
        int first = selected - (rows - 2) + 1;
        int end = first + rows - 2;
        if (end >= total) {
            return new ListWindow(total - (rows - 1), total, true, false);
        }
        return new ListWindow(first, end, true, true);
    }

    public int hiddenAbove() {
        return first;
    }

    public int hiddenBelow(int total) {
        return total - end;
    }
}
