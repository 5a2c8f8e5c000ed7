package org.parley.tui.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The text being typed, with readline's editing: the cursor moves by character and by word,
 * Ctrl-W/U/K cut a word back, to the start or to the end, and Up/Down walk the lines sent
 * before (what was being typed comes back after the newest). The text may span several lines.
 */
public final class InputLine {
    /** Input longer than this is refused keystroke by keystroke: a message is at most 64 KiB anyway. */
    public static final int MAX_CHARS = 16_384;
    private static final int HISTORY_SIZE = 200;

    private final StringBuilder text = new StringBuilder();
    private int cursor;
    private final List<String> history = new ArrayList<>();
    private int historyIndex;
    private String draft = "";

    public String text() {
        return text.toString();
    }

    /** The cursor's position, in chars of {@link #text()}. */
    public int cursor() {
        return cursor;
    }

    public void insert(String typed) {
        int room = MAX_CHARS - text.length();
        String accepted = typed.length() <= room ? typed : typed.substring(0, Math.max(0, room));
        text.insert(cursor, accepted);
        cursor += accepted.length();
    }

    public void backspace() {
        if (cursor > 0) {
            int start = text.offsetByCodePoints(cursor, -1);
            text.delete(start, cursor);
            cursor = start;
        }
    }

    public void delete() {
        if (cursor < text.length()) {
            text.delete(cursor, text.offsetByCodePoints(cursor, 1));
        }
    }

    public void left() {
        if (cursor > 0) {
            cursor = text.offsetByCodePoints(cursor, -1);
        }
    }

    public void right() {
        if (cursor < text.length()) {
            cursor = text.offsetByCodePoints(cursor, 1);
        }
    }

    public void home() {
        cursor = 0;
    }

    public void end() {
        cursor = text.length();
    }

    public void wordLeft() {
        cursor = previousWordStart();
    }

    public void wordRight() {
        int at = cursor;
        while (at < text.length() && !isWordChar(at)) {
            at++;
        }
        while (at < text.length() && isWordChar(at)) {
            at++;
        }
        cursor = at;
    }

    /** Ctrl-W: cuts the word before the cursor (and the spaces after it). */
    public void cutWordBack() {
        int start = previousWordStart();
        text.delete(start, cursor);
        cursor = start;
    }

    /** Ctrl-U: cuts everything before the cursor. */
    public void cutToStart() {
        text.delete(0, cursor);
        cursor = 0;
    }

    /** Ctrl-K: cuts everything from the cursor on. */
    public void cutToEnd() {
        text.setLength(cursor);
    }

    /** Up: the line sent before the one shown. */
    public void historyBack() {
        if (historyIndex == 0) {
            return;
        }
        if (historyIndex == history.size()) {
            draft = text.toString();
        }
        historyIndex--;
        show(history.get(historyIndex));
    }

    /** Down: the line sent after the one shown, and finally what was being typed. */
    public void historyForward() {
        if (historyIndex >= history.size()) {
            return;
        }
        historyIndex++;
        show(historyIndex == history.size() ? draft : history.get(historyIndex));
    }

    /** Enter: returns the text and starts an empty line; the text joins the history. */
    public String submit() {
        String submitted = text.toString();
        if (!submitted.isBlank() && (history.isEmpty() || !history.get(history.size() - 1).equals(submitted))) {
            history.add(submitted);
            if (history.size() > HISTORY_SIZE) {
                history.remove(0);
            }
        }
        historyIndex = history.size();
        draft = "";
        show("");
        return submitted;
    }

    /** Replaces the text (a completion), the cursor going to {@code cursorAt}. */
    public void replace(String replacement, int cursorAt) {
        show(replacement.length() <= MAX_CHARS ? replacement : replacement.substring(0, MAX_CHARS));
        cursor = Math.max(0, Math.min(cursorAt, text.length()));
    }

    private void show(String line) {
        text.setLength(0);
        text.append(line);
        cursor = text.length();
    }

    private int previousWordStart() {
        int at = cursor;
        while (at > 0 && !isWordChar(at - 1)) {
            at--;
        }
        while (at > 0 && isWordChar(at - 1)) {
            at--;
        }
        return at;
    }

    private boolean isWordChar(int index) {
        char c = text.charAt(index);
        return !Character.isWhitespace(c) && c != '/' && c != '.' && c != ',';
    }
}
