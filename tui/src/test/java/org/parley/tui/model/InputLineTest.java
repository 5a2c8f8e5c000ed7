package org.parley.tui.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class InputLineTest {
    private static InputLine typed(String text) {
        InputLine input = new InputLine();
        input.insert(text);
        return input;
    }

    @Test
    void readlineCutsAndMoves() {
        InputLine input = typed("hello big world");
        input.cutWordBack();
        assertEquals("hello big ", input.text());
        input.home();
        input.wordRight();
        assertEquals(5, input.cursor());
        input.cutToEnd();
        assertEquals("hello", input.text());
        input.left();
        input.left();
        input.cutToStart();
        assertEquals("lo", input.text());
        assertEquals(0, input.cursor());
        input.end();
        input.insert(" there");
        input.wordLeft();
        assertEquals(3, input.cursor());
    }

    @Test
    void backspaceAndMovesStepOverWholeEmoji() {
        InputLine input = typed("a😀");
        input.left();
        assertEquals(1, input.cursor());
        input.right();
        input.backspace();
        assertEquals("a", input.text());
    }

    @Test
    void historyWalksBackAndReturnsToTheDraft() {
        InputLine input = new InputLine();
        input.insert("first");
        assertEquals("first", input.submit());
        input.insert("second");
        input.submit();
        input.insert("draft");
        input.historyBack();
        assertEquals("second", input.text());
        input.historyBack();
        input.historyBack();
        assertEquals("first", input.text());
        input.historyForward();
        input.historyForward();
        assertEquals("draft", input.text());
        assertEquals("", typed("").submit());
    }

    @Test
    void multiLineInputKeepsItsLineBreaksAndLengthIsBounded() {
        InputLine input = typed("line one");
        input.insert("\n");
        input.insert("line two");
        assertEquals("line one\nline two", input.submit());
        InputLine huge = typed("x".repeat(InputLine.MAX_CHARS + 100));
        assertEquals(InputLine.MAX_CHARS, huge.text().length());
    }

    @Test
    void tabCompletesCommandsAndNames() {
        InputLine command = typed("/ver");
        Completion.complete(command, java.util.List.of());
        assertEquals("/verify ", command.text());
        InputLine name = typed("hi al");
        Completion.complete(name, java.util.List.of("alice", "bob"));
        assertEquals("hi alice ", name.text());
        InputLine shared = typed("/a");
        Completion.complete(shared, java.util.List.of());
        assertEquals("/a", shared.text(), "/accept and /add share only /a");
    }
}
