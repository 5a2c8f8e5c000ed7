package org.parley.tui.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.ReaderException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;

class QrTextTest {
    private static final String PEER_ID = Identity.generate("qr", new SecureRandom()).peerId().toString();

    @Test
    void aPeerIdDrawnInHalfBlocksDecodesBackAndKeepsItsQuietZone() throws Exception {
        List<String> rows = QrText.encode(PEER_ID);
        assertEquals(PEER_ID, DrawnQr.decode(rows));
        int columns = rows.get(0).length();
        assertEquals(33 + 2 * QrText.QUIET_ZONE, columns, "version 4 for a peer ID, with its quiet zone");
        assertEquals((columns + 1) / 2, rows.size(), "two modules per cell vertically");
        assertTrue(rows.stream().allMatch(row -> row.length() == columns));
        assertTrue(rows.get(0).isBlank() && rows.get(rows.size() - 1).isBlank(), "light above and below");
        for (String row : rows) {
            assertTrue(row.substring(0, QrText.QUIET_ZONE).isBlank() && row.substring(columns - QrText.QUIET_ZONE)
                    .isBlank(), "light on both sides: " + row);
            assertTrue(row.chars().allMatch(c -> " ▀▄█".indexOf(c) >= 0), row);
        }
    }

    @Test
    void aDrawingMissingItsFinderPatternsDoesNotDecode() {
        List<String> rows = new ArrayList<>(QrText.encode(PEER_ID));
        for (int row = 1; row < 9; row++) {
            rows.set(row, " ".repeat(rows.get(row).length()));
        }
        assertThrows(ReaderException.class, () -> DrawnQr.decode(rows));
    }

    @Test
    void textBeyondAQrCodesCapacityIsAOneLineError() {
        IllegalArgumentException error =
                assertThrows(IllegalArgumentException.class, () -> QrText.encode("x".repeat(5_000)));
        assertFalse(error.getMessage().contains("\n"), error.getMessage());
    }
}
