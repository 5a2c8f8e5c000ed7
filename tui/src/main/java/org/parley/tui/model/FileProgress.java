package org.parley.tui.model;

import org.parley.api.FileView;
import org.parley.tui.text.TextWidth;

/**
 * The row under a message that offered a file: a progress bar while it downloads, else its state
 * ({@code ✓ name  path} once here, {@code ✗ name  failed: reason}, {@code name  offered}). Driven
 * by the node's file events; the name, path and reason come from peers or the disk and go through
 * {@link TextWidth}, which makes them safe for the terminal.
 */
public final class FileProgress {
    /** Columns of the bar itself, between its brackets. */
    static final int BAR_COLUMNS = 20;

    private FileProgress() {
    }

    static TimelineLayout.Row row(FileView file, String indent, int width, TimelineLayout.Row.Kind kind) {
        String name = file.name().replace('\n', ' ');
        String line = switch (file.state()) {
            case "downloading" -> bar(file) + "  " + name;
            case "complete" -> "✓ " + name + (file.path() == null ? "" : "  " + file.path());
            case "failed" -> "✗ " + name + "  failed" + (file.reason() == null ? "" : ": " + file.reason());
            default -> "□ " + name + "  " + file.state();
        };
        String fitted = TextWidth.wrap(line.replace('\n', ' '), Math.max(2, width - indent.length()), 2).get(0);
        return new TimelineLayout.Row(indent + fitted,
                "failed".equals(file.state()) ? TimelineLayout.Row.Kind.FAILED : kind);
    }

    /** {@code [#########...........]  45%}: the share of chunks held. */
    static String bar(FileView file) {
        int percent = file.chunks() == 0 ? 100 : (int) (100L * file.chunksHeld() / file.chunks());
        int filled = file.chunks() == 0 ? BAR_COLUMNS : (int) ((long) BAR_COLUMNS * file.chunksHeld() / file.chunks());
        return "[" + "#".repeat(filled) + ".".repeat(BAR_COLUMNS - filled) + "] " + String.format("%3d%%", percent);
    }
}
