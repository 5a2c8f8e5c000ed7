package org.parley.api;

/**
 * Peer-supplied text (message bodies, group names, agent strings) made safe to write to a
 * terminal, for every client that shows it: the CLI's text output and the terminal client.
 *
 * <p>A terminal obeys what it is sent: ESC starts sequences that move the cursor, rewrite what is
 * shown, set the window title or (OSC 52) the clipboard; C1 controls (U+0080 to U+009F) start the
 * same sequences on terminals that read them as 8-bit codes; a carriage return or backspace
 * overwrites what came before. Bidirectional overrides and isolates reorder what follows them, so
 * a line can show a peer ID, a name or a command that is not what it holds. Each of these becomes
 * the visible U+FFFD; a tab becomes a space and a line break stays (callers indent what follows it).
 */
public final class PrintableText {
    /** Shown in place of every character that could steer the terminal. */
    public static final char REPLACEMENT = '\uFFFD';

    private PrintableText() {
    }

    public static String of(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder result = new StringBuilder(text.length());
        text.codePoints().forEach(codePoint -> {
            if (codePoint == '\t') {
                result.append(' ');
            } else if (codePoint == '\n') {
                result.append('\n');
            } else if (Character.isISOControl(codePoint) || isBidiControl(codePoint)) {
                result.append(REPLACEMENT);
            } else {
                result.appendCodePoint(codePoint);
            }
        });
        return result.toString();
    }

    /** As {@link #of}, on one line: a line break becomes a space as well. */
    public static String oneLine(String text) {
        return of(text).replace('\n', ' ');
    }

    /**
     * The embeddings, overrides and isolates of Unicode's bidirectional algorithm (UAX #9), which
     * reorder everything up to their end. The single marks (LRM, RLM, ALM) only nudge their
     * neighbours and are part of ordinary right-to-left writing, so they stay.
     */
    static boolean isBidiControl(int codePoint) {
        return (codePoint >= 0x202A && codePoint <= 0x202E) || (codePoint >= 0x2066 && codePoint <= 0x2069);
    }
}
