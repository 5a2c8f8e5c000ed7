package org.parley.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class PeerIdTest {
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
    private final PeerId peer = Identity.generate("alice", new SecureRandom()).peerId();
    private final String text = peer.toString();

    @Test
    void roundTripsThroughItsTextForm() throws Exception {
        assertEquals(PeerId.TEXT_LENGTH, text.length());
        assertTrue(text.startsWith("p1"));
        assertEquals(peer, PeerId.parse(text));
        assertEquals(peer, PeerId.fromPublicKey(peer.publicKey()));
        assertEquals(text, PeerId.parse(text).toString());
    }

    @Test
    void everySingleCharacterSubstitutionIsRejected() {
        int tried = 0;
        for (int position = 0; position < text.length(); position++) {
            for (char replacement : (ALPHABET + "0189").toCharArray()) {
                if (replacement == text.charAt(position)) {
                    continue;
                }
                String typo = text.substring(0, position) + replacement + text.substring(position + 1);
                assertThrows(InvalidPeerIdException.class, () -> PeerId.parse(typo), typo);
                tried++;
            }
        }
        assertTrue(tried > 60 * 30);
    }

    @Test
    void deletionsInsertionsAndTranspositionsAreRejected() {
        for (int position = 0; position < text.length(); position++) {
            String deleted = text.substring(0, position) + text.substring(position + 1);
            assertThrows(InvalidPeerIdException.class, () -> PeerId.parse(deleted), deleted);
            String inserted = text.substring(0, position) + 'a' + text.substring(position);
            assertThrows(InvalidPeerIdException.class, () -> PeerId.parse(inserted), inserted);
            if (position + 1 < text.length() && text.charAt(position) != text.charAt(position + 1)) {
                String swapped = text.substring(0, position) + text.charAt(position + 1) + text.charAt(position)
                        + text.substring(position + 2);
                assertThrows(InvalidPeerIdException.class, () -> PeerId.parse(swapped), swapped);
            }
        }
    }

    @Test
    void isCaseInsensitiveAndToleratesSurroundingSpace() throws Exception {
        assertEquals(peer, PeerId.parse(text.toUpperCase(Locale.ROOT)));
        StringBuilder mixed = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            mixed.append(i % 2 == 0 ? Character.toUpperCase(c) : c);
        }
        assertEquals(peer, PeerId.parse(mixed.toString()));
        assertEquals(peer, PeerId.parse("  " + text + "\n"));
    }

    @Test
    void nonsenseGetsAMessageThatSaysWhatIsWrong() {
        assertMessage(null, "empty");
        assertMessage("", "empty");
        assertMessage("x1" + text.substring(2), "start with 'p1'");
        assertMessage(text + "a", "characters");
        assertMessage(text.substring(0, 59) + "1", "outside a-z and 2-7");
        assertMessage(text.substring(0, 10) + (text.charAt(10) == 'a' ? 'b' : 'a') + text.substring(11), "checksum");
        assertThrows(IllegalArgumentException.class, () -> PeerId.fromPublicKey(new byte[31]));
    }

    @Test
    void ordersAndHashesByKey() throws Exception {
        PeerId same = PeerId.parse(text);
        assertEquals(peer.hashCode(), same.hashCode());
        assertEquals(0, peer.compareTo(same));
        assertEquals(8, peer.shortForm().length());
    }

    private static void assertMessage(String input, String expected) {
        InvalidPeerIdException error = assertThrows(InvalidPeerIdException.class, () -> PeerId.parse(input));
        assertTrue(error.getMessage().contains(expected), error.getMessage());
    }
}
