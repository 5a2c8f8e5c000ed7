package org.parley.tui.cli;

import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.ExtendedTerminal;
import com.googlecode.lanterna.terminal.Terminal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.api.ApiException;
import org.parley.cli.CliException;
import org.parley.tui.app.ChatClient;
import org.parley.tui.app.MarksStore;
import org.parley.tui.app.NodeConnection;
import org.parley.tui.app.Notifier;

/**
 * Opens the user's terminal full screen (Ctrl-C arrives as a key, so the client quits cleanly),
 * runs the client on it, and gives the terminal back as it was, whatever happened.
 */
final class TerminalSession {
    private static final Logger LOG = Logger.getLogger(TerminalSession.class.getName());

    private TerminalSession() {
    }

    /** Fails unless standard input and output are a terminal. */
    static void requireTerminal() throws CliException {
        if (System.console() == null) {
            throw new CliException("the terminal client needs a terminal (standard input and output are not one)");
        }
    }

    static void run(NodeConnection connection, MarksStore marks, boolean bell, Runnable onWatching) throws CliException {
        requireTerminal();
        Terminal terminal;
        try {
            terminal = new ChatTerminal(System.in, System.out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException("cannot open the terminal: " + e.getMessage(), e);
        }
        try {
            TerminalScreen screen = new TerminalScreen(terminal);
            screen.startScreen();
            try {
                new ChatClient(connection, screen, notifier(terminal, bell), ZoneId.systemDefault(), marks).run(onWatching);
            } finally {
                screen.stopScreen();
            }
        } catch (IOException e) {
            throw new CliException("the terminal failed: " + e.getMessage(), e);
        } catch (ApiException e) {
            throw new CliException(e.getMessage(), e);
        }
    }

    /** Rings the terminal's bell (when wanted) and puts the unread total in the window title. */
    private static Notifier notifier(Terminal terminal, boolean bell) {
        return new Notifier() {
            @Override
            public void bell() {
                if (bell) {
                    try {
                        terminal.bell();
                    } catch (IOException e) {
                        LOG.log(Level.FINE, "bell failed", e);
                    }
                }
            }

            @Override
            public void unread(int total) {
                if (terminal instanceof ExtendedTerminal extended) {
                    try {
                        extended.setTitle(total == 0 ? "Parley" : "Parley (" + total + ")");
                    } catch (IOException e) {
                        LOG.log(Level.FINE, "title failed", e);
                    }
                }
            }
        };
    }
}
