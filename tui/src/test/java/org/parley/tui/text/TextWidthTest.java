package org.parley.tui.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextWidthTest {
    @Test
    void cjkAndEmojiTakeTwoColumnsAndCombiningMarksNone() {
        assertEquals(5, TextWidth.columns("hello"));
        assertEquals(4, TextWidth.columns("你好"));
        assertEquals(2, TextWidth.columns("😀"));
        assertEquals(1, TextWidth.columns("e\u0301"), "e with a combining acute accent is one cell");
        assertEquals(List.of("\u00e9"), TextWidth.graphemes("e\u0301"));
        assertEquals(List.of("q"), TextWidth.graphemes("q\u0301"), "a mark with no composed form is dropped");
        assertEquals(3, TextWidth.columns("a😀"));
    }

    @Test
    void fitNeverSplitsAWideCharacter() {
        assertEquals("你", TextWidth.fit("你好", 3));
        assertEquals("a😀", TextWidth.fit("a😀b", 3));
        assertEquals("", TextWidth.fit("😀", 1));
    }

    @Test
    void wrapBreaksAtSpacesAndKeepsEveryLineWithinTheWidth() {
        List<String> lines = TextWidth.wrap("the quick brown fox jumps", 10);
        assertEquals(List.of("the quick", "brown fox", "jumps"), lines);
        List<String> wide = TextWidth.wrap("你好你好你好", 5);
        assertEquals(List.of("你好", "你好", "你好"), wide);
        for (String line : TextWidth.wrap("a verylongwordthatdoesnotfit 你好😀 end", 7)) {
            assertTrue(TextWidth.columns(line) <= 7, line);
        }
    }

    @Test
    void wrapKeepsLineBreaksAndHonoursAShorterFirstLine() {
        assertEquals(List.of("one", "two"), TextWidth.wrap("one\ntwo", 10));
        assertEquals(List.of("ab", "cdef"), TextWidth.wrap("ab cdef", 3, 10));
    }

    @Test
    void controlCharactersCannotMoveTheCursor() {
        String shown = String.join("", TextWidth.graphemes("a\u001b[2Jb\u0007"));
        assertEquals("a\uFFFD[2Jb\uFFFD", shown);
        assertEquals("a\uFFFDb\uFFFDc\uFFFD", String.join("", TextWidth.graphemes("a\u009bb\u202Ec\u2067")));
        assertThrows(IllegalArgumentException.class, () -> TextWidth.wrap("x", 1));
    }
}
