package org.parley.messaging;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What a reaction may be: one short emoji (a sequence with joiners, skin tones and variation
 * selectors is one emoji), never text that could move a terminal's cursor, hide what follows or
 * flip its direction. Checked for our own reactions and for every peer's, before anything is stored.
 */
public final class ReactionText {
    /** The most UTF-8 bytes of a reaction (a family emoji with skin tones is about 30). */
    public static final int MAX_BYTES = 32;
    /** The most code points of a reaction. */
    public static final int MAX_CODE_POINTS = 10;
    private static final int ZERO_WIDTH_JOINER = 0x200D;

    private ReactionText() {
    }

    /** Why {@code emoji} cannot be a reaction, or empty when it can (an empty string takes one back). */
    public static Optional<String> problem(String emoji) {
        int bytes = emoji.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            return Optional.of("a reaction is " + bytes + " bytes; the limit is " + MAX_BYTES);
        }
        if (emoji.codePointCount(0, emoji.length()) > MAX_CODE_POINTS) {
            return Optional.of("a reaction is one emoji, at most " + MAX_CODE_POINTS + " code points");
        }
        for (int i = 0; i < emoji.length(); ) {
            int codePoint = emoji.codePointAt(i);
            if (!allowed(codePoint)) {
                return Optional.of(String.format("a reaction may not hold U+%04X", codePoint));
            }
            i += Character.charCount(codePoint);
        }
        return Optional.empty();
    }

    private static boolean allowed(int codePoint) {
        if (codePoint == ZERO_WIDTH_JOINER) {
            return true;
        }
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR,
                 Character.PARAGRAPH_SEPARATOR, Character.PRIVATE_USE, Character.SURROGATE, Character.UNASSIGNED -> false;
            default -> true;
        };
    }
}
