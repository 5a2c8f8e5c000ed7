package org.parley.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class IdentityTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void signsAndItsPeerIdVerifies() {
        Identity alice = Identity.generate("alice", RANDOM);
        byte[] signature = alice.sign("hello".getBytes());
        assertTrue(alice.peerId().verify("hello".getBytes(), signature));
        assertFalse(alice.peerId().verify("hellO".getBytes(), signature));
        assertFalse(Identity.generate("bob", RANDOM).peerId().verify("hello".getBytes(), signature));
    }

    @Test
    void itsAgreementKeyIsEndorsedByItsIdentityKey() {
        Identity alice = Identity.generate("alice", RANDOM);
        assertTrue(Identity.verifyAgreementKey(alice.peerId(), alice.agreementPublicKey(), alice.agreementSignature()));
        Identity bob = Identity.generate("bob", RANDOM);
        assertFalse(Identity.verifyAgreementKey(alice.peerId(), bob.agreementPublicKey(), alice.agreementSignature()));
    }

    @Test
    void twoIdentitiesAgreeOnASharedSecret() {
        Identity alice = Identity.generate("alice", RANDOM);
        Identity bob = Identity.generate("bob", RANDOM);
        assertArrayEquals(alice.agree(bob.agreementPublicKey()), bob.agree(alice.agreementPublicKey()));
    }

    @Test
    void restoreRefusesPartsThatDoNotBelongTogether() {
        Identity alice = Identity.generate("alice", RANDOM);
        Identity bob = Identity.generate("bob", RANDOM);
        Identity restored = Identity.restore("alice", alice.identitySeed(), alice.agreementPrivateKey(),
                alice.agreementSignature());
        assertEquals(alice.peerId(), restored.peerId());
        assertThrows(IllegalArgumentException.class, () -> Identity.restore("alice", alice.identitySeed(),
                bob.agreementPrivateKey(), alice.agreementSignature()));
        assertFalse(alice.toString().contains(java.util.HexFormat.of().formatHex(alice.identitySeed())));
    }
}
