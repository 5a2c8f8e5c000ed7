package org.parley.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import org.parley.crypto.X25519;
import org.parley.identity.Identity;
import org.parley.proto.wire.v1.RatchetMessage;

/**
 * A ratchet message from a peer whose envelope signature checked out, but who is hostile: whatever
 * it sends is opened or refused, and a refusal leaves the session able to open the peer's next
 * genuine message. Every run starts from the same state (a seeded generator), so that saved
 * inputs such as a copy of the genuine message replay meaningfully.
 */
class SessionsFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void aRefusedMessageLeavesTheSessionWorking(byte[] input) throws EnvelopeException {
        SecureRandom random = seeded();
        Identity alice = Identity.generate("alice", random);
        Identity bob = Identity.generate("bob", random);
        OwnPrekey prekey = new OwnPrekey(1, X25519.generatePrivateKey(random), 0);
        Sessions atAlice = new Sessions(alice, random);
        Sessions atBob = new Sessions(bob, random);
        atBob.addPrekey(prekey);
        atAlice.putBundle(Bundles.verify(Bundles.own(bob, prekey), bob.peerId()));
        atBob.decrypt(alice.peerId(), atAlice.encrypt(bob.peerId(), bytes("one")).orElseThrow().message());
        RatchetMessage genuine = atAlice.encrypt(bob.peerId(), bytes("two")).orElseThrow().message();

        try {
            atBob.decrypt(alice.peerId(), RatchetMessage.parseFrom(input));
            return; // a copy of the genuine message, or one the fuzzer built to the same effect
        } catch (InvalidProtocolBufferException | EnvelopeException expected) {
            // refused: the session must be as it was
        }
        assertEquals("two", new String(atBob.decrypt(alice.peerId(), genuine).plaintext(), StandardCharsets.UTF_8));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static SecureRandom seeded() {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(42);
            return random;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
