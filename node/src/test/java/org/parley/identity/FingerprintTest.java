package org.parley.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class FingerprintTest {
    private final PeerId alice = Identity.generate("alice", new SecureRandom()).peerId();
    private final PeerId bob = Identity.generate("bob", new SecureRandom()).peerId();

    @Test
    void isSixGroupsOfFiveDigitsAndStable() {
        String fingerprint = Fingerprint.of(alice);
        assertTrue(fingerprint.matches("\\d{5}( \\d{5}){5}"), fingerprint);
        assertEquals(fingerprint, Fingerprint.of(PeerId.fromPublicKey(alice.publicKey())));
        assertNotEquals(fingerprint, Fingerprint.of(bob));
    }

    @Test
    void theSafetyNumberIsTheSameOnBothSides() {
        assertEquals(Fingerprint.safetyNumber(alice, bob), Fingerprint.safetyNumber(bob, alice));
        assertTrue(Fingerprint.safetyNumber(alice, bob).matches("\\d{5}( \\d{5}){11}"));
    }
}
