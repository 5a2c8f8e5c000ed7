package org.parley.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;

class ShortPeerIdTest {
    @Test
    void aLookAlikeGroundToTheOldFortyBitPrefixIsShownDifferently() {
        String genuine = Identity.generate("bob", new SecureRandom()).peerId().toString();
        // What 2^40 key generations buy: the same first 8 characters after "p1".
        char flipped = genuine.charAt(12) == 'a' ? 'b' : 'a';
        String lookAlike = genuine.substring(0, 12) + flipped + genuine.substring(13);
        assertEquals(genuine.substring(0, 10), lookAlike.substring(0, 10));
        assertNotEquals(ShortPeerId.of(genuine), ShortPeerId.of(lookAlike));
        assertEquals(genuine.substring(0, 18) + "…", ShortPeerId.of(genuine));
        assertEquals(2 + ShortPeerId.KEPT_CHARACTERS, ShortPeerId.of(genuine).length() - 1);
        assertEquals("p1short", ShortPeerId.of("p1short"));
    }
}
