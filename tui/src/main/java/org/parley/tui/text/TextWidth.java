package org.parley.tui.text;

import com.googlecode.lanterna.TerminalTextUtils;
import com.googlecode.lanterna.TextCharacter;
import java.text.Normalizer;
import org.parley.api.PrintableText;
import java.util.ArrayList;
import java.util.List;

/**
 * Display width of text in terminal columns. A grapheme (a character with whatever joins it: an
 * emoji with its modifiers, a letter with its accents) is one cell, two columns wide when it is
 * CJK or an emoji. The rule is Lanterna's own, so what is laid out here is exactly what the
 * screen draws: nothing overlaps or tears.
 */
public final class TextWidth {
    private TextWidth() {
    }

    /**
     * The text's graphemes, in order. Control characters become a visible replacement. Accents
     * are composed where Unicode can (e + ◌́ is é); a mark that cannot be composed is dropped,
     * since the screen would give its letter two columns where a terminal draws one.
     */
    public static List<String> graphemes(String text) {
        List<String> result = new ArrayList<>();
        for (TextCharacter cell : TextCharacter.fromString(printable(Normalizer.normalize(text, Normalizer.Form.NFC)))) {
            result.add(withoutLooseMarks(cell.getCharacterString()));
        }
        return result;
    }

    private static String withoutLooseMarks(String grapheme) {
        char first = grapheme.charAt(0);
        if (grapheme.length() == 1 || Character.isSurrogate(first) || TerminalTextUtils.isCharDoubleWidth(first)) {
            return grapheme;
        }
        boolean onlyMarks = grapheme.substring(1).chars().allMatch(c -> {
            int type = Character.getType(c);
            return type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                    || type == Character.COMBINING_SPACING_MARK;
        });
        return onlyMarks ? grapheme.substring(0, 1) : grapheme;
    }

    /** Columns one grapheme takes. */
    public static int of(String grapheme) {
        TextCharacter[] cells = TextCharacter.fromString(grapheme);
        return cells.length == 0 ? 0 : cells[0].isDoubleWidth() ? 2 : 1;
    }

    /** Columns the text takes. */
    public static int columns(String text) {
        int width = 0;
        for (String grapheme : graphemes(text)) {
            width += of(grapheme);
        }
        return width;
    }

    /** The longest start of the text that fits in {@code width} columns. */
    public static String fit(String text, int width) {
        StringBuilder fitted = new StringBuilder();
        int used = 0;
        for (String grapheme : graphemes(text)) {
            int next = of(grapheme);
            if (used + next > width) {
                break;
            }
            fitted.append(grapheme);
            used += next;
        }
        return fitted.toString();
    }

    /**
     * Breaks text into lines of at most {@code width} columns: at spaces where it can, inside a
     * word only when one word is longer than a line. Line breaks in the text are kept.
     */
    public static List<String> wrap(String text, int width) {
        return wrap(text, width, width);
    }

    /** As {@link #wrap(String, int)}, the first line being {@code firstWidth} columns wide and the others {@code width}. */
    public static List<String> wrap(String text, int firstWidth, int width) {
        if (width < 2 || firstWidth < 2) {
            throw new IllegalArgumentException("lines must be at least 2 columns wide");
        }
        List<String> lines = new ArrayList<>();
        for (String paragraph : text.split("\n", -1)) {
            wrapParagraph(paragraph, firstWidth, width, lines);
        }
        return lines;
    }

    private static void wrapParagraph(String paragraph, int firstWidth, int restWidth, List<String> lines) {
        StringBuilder line = new StringBuilder();
        int used = 0;
        int lastSpace = -1;
        for (String grapheme : graphemes(paragraph)) {
            int width = lines.isEmpty() ? firstWidth : restWidth;
            int next = of(grapheme);
            if (used + next > width) {
                if (grapheme.equals(" ")) {
                    lines.add(line.toString());
                    line.setLength(0);
                    used = 0;
                    lastSpace = -1;
                    continue;
                }
                String carried = "";
                if (lastSpace >= 0) {
                    carried = line.substring(lastSpace + 1);
                    line.setLength(lastSpace);
                }
                lines.add(line.toString());
                line.setLength(0);
                line.append(carried);
                used = columns(carried);
                lastSpace = -1;
            }
            if (grapheme.equals(" ")) {
                lastSpace = line.length();
            }
            line.append(grapheme);
            used += next;
        }
        lines.add(line.toString());
    }

    /**
     * Tabs become a space and other control characters (and bidirectional overrides) a visible
     * placeholder, so they cannot move the cursor or reorder the line: the node's rule, shared
     * with the CLI's text output.
     */
    public static String printable(String text) {
        return PrintableText.of(text);
    }
}
