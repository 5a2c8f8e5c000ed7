package org.parley.tui.app;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.ansi.ANSITerminal;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.parley.api.EventView;
import org.parley.tui.model.TimelineLayout;

/**
 * Text from peers (a group's name, a message, an error) and pasted text on the paths this client
 * added (the list's markers, a muted conversation, the stale-connection status bar, a paste): the
 * bytes written to the terminal hold none of the escape sequences or control characters they carried.
 */
class HostileTextTest {
    /** An OSC 52 clipboard write, a title change, a C1 CSI screen clear, a bell, a backspace. */
    private static final String HOSTILE = "x\u001b]52;c;cHduZWQ=\u0007\u001b]0;owned\u0007\u009b2J\u0008y";
    private static final String ADA = FakeNode.peerId(2);

    /** An ANSI terminal writing to memory, of a fixed size (nothing answers its size query). */
    private static final class RecordingTerminal extends ANSITerminal {
        RecordingTerminal(ByteArrayOutputStream out) {
            super(new ByteArrayInputStream(new byte[0]), out, StandardCharsets.UTF_8);
        }

        @Override
        protected TerminalSize findTerminalSize() {
            return new TerminalSize(90, 12);
        }
    }

    @Test
    void nothingAPeerOrAPasteCarriesReachesTheTerminalRaw() throws Exception {
        ControllerHarness chat = new ControllerHarness();
        chat.node.contact(ADA, "ada");
        for (int i = 0; i < 20; i++) {
            chat.node.group(FakeNode.groupId(100 + i), "group " + i + HOSTILE, "joined");
        }
        chat.start();
        chat.event(new EventView(EventView.MESSAGE, FakeNode.request("r1", FakeNode.peerId(9), HOSTILE, 5)));
        chat.event(new EventView(EventView.MESSAGE, FakeNode.incoming("m1", ADA, HOSTILE, 6)));
        chat.enter("/mute");
        chat.key(BracketedPaste.PASTE_START);
        HOSTILE.chars().forEach(c -> chat.key(new com.googlecode.lanterna.input.KeyStroke((char) c, false, false)));
        chat.key(BracketedPaste.PASTE_END);
        chat.state.unreachable("refused " + HOSTILE);

        String written = render(chat.state);
        assertTrue(written.contains("]52;c;cHduZ"), "the hostile text is shown, defused");
        assertTrue(written.contains("NOT CONNECTED"), "the stale-state bar is drawn");
        assertTrue(written.contains("muted"), "the muted header is drawn");
        assertTrue(written.contains("↓ "), "the list's marker row is drawn");
        assertFalse(written.contains("\u001b]"), "no operating system command");
        assertFalse(written.contains("\u0007"), "no bell");
        assertFalse(written.contains("\u0008"), "no backspace");
        assertFalse(written.chars().anyMatch(c -> c >= 0x80 && c <= 0x9f), "no C1 control");
        assertFalse(written.contains("\u001b[2J" + "x"), "no clear written by the text");
    }

    private static String render(ChatState state) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TerminalScreen screen = new TerminalScreen(new RecordingTerminal(out));
        screen.startScreen();
        out.reset();
        new ChatRenderer(new TimelineLayout(ZoneId.of("UTC"))).draw(state, screen);
        screen.refresh();
        String written = out.toString(StandardCharsets.UTF_8);
        screen.stopScreen();
        return written;
    }
}
