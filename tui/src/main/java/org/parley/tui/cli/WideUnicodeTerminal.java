package org.parley.tui.cli;

import com.googlecode.lanterna.terminal.ansi.UnixTerminal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;

/**
 * Lanterna's Unix terminal, but writing characters beyond the Basic Multilingual Plane (most
 * emoji) whole: the stock terminal encodes a string one UTF-16 unit at a time, which turns each
 * half of a surrogate pair into a '?'.
 */
final class WideUnicodeTerminal extends UnixTerminal {
    WideUnicodeTerminal(InputStream input, OutputStream output, Charset charset) throws IOException {
        super(input, output, charset, CtrlCBehaviour.TRAP);
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
