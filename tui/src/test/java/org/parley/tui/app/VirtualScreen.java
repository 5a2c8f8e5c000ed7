package org.parley.tui.app;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.TextCharacter;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Lanterna's virtual terminal, read back as the rows of text a user would see. */
final class VirtualScreen {
    private static final Duration WAIT = Duration.ofSeconds(60);

    final DefaultVirtualTerminal terminal;
    final TerminalScreen screen;

    VirtualScreen(int columns, int rows) throws IOException {
        terminal = new DefaultVirtualTerminal(new TerminalSize(columns, rows));
        screen = new TerminalScreen(terminal);
        screen.startScreen();
    }

    /** The visible rows; a wide character's second cell is not repeated. */
    List<String> rows() {
        TerminalSize size = terminal.getTerminalSize();
        List<String> rows = new ArrayList<>();
        for (int row = 0; row < size.getRows(); row++) {
            StringBuilder line = new StringBuilder();
            for (int column = 0; column < size.getColumns(); column++) {
                TextCharacter cell = terminal.getCharacter(column, row);
                line.append(cell.getCharacterString());
                if (cell.isDoubleWidth()) {
                    column++;
                }
            }
            rows.add(line.toString());
        }
        return rows;
    }

    String text() {
        return String.join("\n", rows());
    }

    void type(String text) {
        text.codePoints().forEach(codePoint -> {
            for (char c : Character.toChars(codePoint)) {
                terminal.addInput(new KeyStroke(c, false, false));
            }
        });
    }

    void enter(String line) {
        type(line);
        key(KeyType.Enter);
    }

    void key(KeyType type) {
        terminal.addInput(new KeyStroke(type));
    }

    void ctrl(KeyType type) {
        terminal.addInput(new KeyStroke(type, true, false));
    }

    void ctrl(char c) {
        terminal.addInput(new KeyStroke(c, true, false));
    }

    void alt(char c) {
        terminal.addInput(new KeyStroke(c, false, true));
    }

    /** Waits until the screen satisfies {@code condition}; fails with the screen as it was. */
    String await(String what, Predicate<String> condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        String text = text();
        while (Instant.now().isBefore(deadline)) {
            text = text();
            if (condition.test(text)) {
                return text;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("timed out waiting for " + what + "; the screen shows:\n" + text);
    }

    String awaitText(String expected) throws InterruptedException {
        return await("'" + expected + "'", text -> text.contains(expected));
    }

    /** Waits until some row matches the regular expression {@code pattern}. */
    void awaitRow(String pattern) throws InterruptedException {
        await("a row matching " + pattern, text -> text.lines().anyMatch(row -> row.matches(pattern)));
    }
}
