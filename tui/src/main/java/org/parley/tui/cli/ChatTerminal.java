package org.parley.tui.cli;

import com.googlecode.lanterna.terminal.ansi.UnixTerminal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.parley.tui.app.BracketedPaste;

/**
 * Lanterna's Unix terminal, set up for the chat client: Ctrl-C arrives as a key; flow control
 * is off, so Ctrl-Q and Ctrl-S reach the client instead of pausing the terminal (the saved
 * settings come back on exit); and characters beyond the Basic Multilingual Plane (most emoji)
 * are written whole, where the stock terminal encodes a string one UTF-16 unit at a time and
 * turns each half of a surrogate pair into a '?'. Bracketed paste is on while the client runs, so a
 * pasted line break is text, not Enter.
 */
final class ChatTerminal extends UnixTerminal {
    ChatTerminal(InputStream input, OutputStream output, Charset charset) throws IOException {
        super(input, output, charset, CtrlCBehaviour.TRAP);
        getInputDecoder().addProfile(BracketedPaste.DECODING);
    }

    @Override
    public void enterPrivateMode() throws IOException {
        super.enterPrivateMode();
        writeToTerminal(BracketedPaste.ENABLE.getBytes(StandardCharsets.US_ASCII));
        flush();
    }

    @Override
    public void exitPrivateMode() throws IOException {
        writeToTerminal(BracketedPaste.DISABLE.getBytes(StandardCharsets.US_ASCII));
        super.exitPrivateMode();
    }

    /** Lanterna turns the signal keys off as it takes the terminal (Ctrl-C trapped); flow control goes with them. */
    @Override
    protected void keyStrokeSignalsEnabled(boolean enabled) throws IOException {
        super.keyStrokeSignalsEnabled(enabled);
        runSTTYCommand(enabled ? "ixon" : "-ixon");
    }

    @Override
    public void putString(String string) throws IOException {
        if (string.codePoints().allMatch(Character::isBmpCodePoint)) {
            super.putString(string);
        } else {
            writeToTerminal(string.getBytes(getCharset()));
        }
    }
}
