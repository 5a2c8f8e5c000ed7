package org.parley.tui.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.googlecode.lanterna.input.DefaultKeyDecodingProfile;
import com.googlecode.lanterna.input.InputDecoder;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The paste markers as Lanterna's own input decoder reads them, among ordinary keys. */
class BracketedPasteTest {
    private static List<String> decode(String input) throws Exception {
        InputDecoder decoder = new InputDecoder(new StringReader(input));
        decoder.addProfile(new DefaultKeyDecodingProfile());
        decoder.addProfile(BracketedPaste.DECODING);
        List<String> keys = new ArrayList<>();
        KeyStroke key;
        while ((key = decoder.getNextCharacter(false)) != null && key.getKeyType() != KeyType.EOF) {
            keys.add(key instanceof BracketedPaste.Marker ? key.toString()
                    : key.getKeyType() == KeyType.Character
                    ? (key.isCtrlDown() ? "Ctrl-" : "") + key.getCharacter() : key.getKeyType().name());
        }
        return keys;
    }

    @Test
    void thePasteMarkersDecodeAroundThePastedKeys() throws Exception {
        assertEquals(List.of("x", "PasteStart", "a", "Enter", "b", "Ctrl-q", "PasteEnd", "Enter"),
                decode("x\u001b[200~a\nb\u0011\u001b[201~\n"));
    }

    @Test
    void otherEscapeSequencesStillDecode() throws Exception {
        assertEquals(List.of("Insert", "Delete", "ArrowUp", "PageUp", "z"),
                decode("\u001b[2~\u001b[3~\u001b[A\u001b[5~z"));
    }
}
