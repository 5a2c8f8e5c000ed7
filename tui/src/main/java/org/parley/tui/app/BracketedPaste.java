package org.parley.tui.app;

import com.googlecode.lanterna.input.CharacterPattern;
import com.googlecode.lanterna.input.KeyDecodingProfile;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.util.List;

/**
 * The terminal's bracketed paste mode, which Lanterna does not know: once switched on, the
 * terminal wraps pasted text in {@code ESC [ 200 ~} and {@code ESC [ 201 ~}, so a pasted line
 * break can be told from the user pressing Enter. {@link #DECODING} turns the two markers into
 * {@link Marker} keys; the key map takes what lies between them as text.
 */
public final class BracketedPaste {
    /** Written to the terminal to switch the mode on, and off again on leaving. */
    public static final String ENABLE = "\u001b[?2004h";
    public static final String DISABLE = "\u001b[?2004l";
    private static final String START = "\u001b[200~";
    private static final String END = "\u001b[201~";

    /** The start or the end of a paste, as a key. */
    public static final class Marker extends KeyStroke {
        private final boolean start;

        private Marker(boolean start) {
            super(KeyType.Unknown);
            this.start = start;
        }

        public boolean isStart() {
            return start;
        }

        @Override
        public String toString() {
            return start ? "PasteStart" : "PasteEnd";
        }
    }

    public static final Marker PASTE_START = new Marker(true);
    public static final Marker PASTE_END = new Marker(false);

    /** Decodes the two markers; add it to a terminal's input decoder after its stock profile. */
    public static final KeyDecodingProfile DECODING = () -> List.of(BracketedPaste::match);

    private BracketedPaste() {
    }

    private static CharacterPattern.Matching match(List<Character> sequence) {
        StringBuilder typed = new StringBuilder(sequence.size());
        sequence.forEach(typed::append);
        String text = typed.toString();
        if (text.equals(START)) {
            return new CharacterPattern.Matching(PASTE_START);
        }
        if (text.equals(END)) {
            return new CharacterPattern.Matching(PASTE_END);
        }
        if (START.startsWith(text) || END.startsWith(text)) {
            return CharacterPattern.Matching.NOT_YET;
        }
        return null;
    }
}
