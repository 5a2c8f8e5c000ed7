package org.parley.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** A message read from standard input: bounded, strict UTF-8, without the line break that ends it. */
final class StandardInputText {
    private StandardInputText() {
    }

    static String read(InputStream in, int maxBytes) throws CliException {
        byte[] bytes;
        try {
            bytes = in.readNBytes(maxBytes + 1);
        } catch (IOException e) {
            throw new CliException("cannot read the message from standard input: " + e.getMessage(), e);
        }
        if (bytes.length > maxBytes) {
            throw new CliException("the message on standard input is longer than " + maxBytes / 1024 + " KiB");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new CliException("the message on standard input is not UTF-8 text", e);
        }
        if (text.endsWith("\r\n")) {
            text = text.substring(0, text.length() - 2);
        } else if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.isEmpty()) {
            throw new CliException("no message on standard input");
        }
        return text;
    }
}
