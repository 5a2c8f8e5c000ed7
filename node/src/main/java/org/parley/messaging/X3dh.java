package org.parley.messaging;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.parley.crypto.Hkdf;
import org.parley.crypto.X25519;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;

/**
 * The X3DH-style start of a session (without one-time prekeys): three Diffie-Hellman results
 * between the initiator's agreement key and a fresh ephemeral key, and the responder's agreement
 * key and signed prekey, give both sides the same secret; both agreement keys and both peer IDs
 * become the session's associated data.
 */
final class X3dh {
    private static final byte[] INFO = "parley-x3dh-v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PAD = filled(32, (byte) 0xff);
    private static final byte[] SALT = new byte[32];

    /** What the initiator gets: the shared secret, the associated data, and its ephemeral public key. */
    record Start(byte[] sharedKey, byte[] associatedData, byte[] ephemeralPublic) {
    }

    private X3dh() {
    }

    static Start initiate(Identity self, Bundles.Verified responder, SecureRandom random) {
        byte[] ephemeral = X25519.generatePrivateKey(random);
        byte[] secret = derive(
                self.agree(responder.prekey()),
                X25519.agree(ephemeral, responder.agreementKey()),
                X25519.agree(ephemeral, responder.prekey()));
        byte[] ad = associatedData(self.agreementPublicKey(), responder.agreementKey(), self.peerId(),
                responder.owner());
        return new Start(secret, ad, X25519.publicKey(ephemeral));
    }

    /** The responder's side: the same secret and associated data, from the initiator's public keys. */
    static Start respond(Identity self, byte[] prekeyPrivate, PeerId initiator, byte[] initiatorAgreementKey,
                         byte[] initiatorEphemeral) {
        byte[] secret = derive(
                X25519.agree(prekeyPrivate, initiatorAgreementKey),
                self.agree(initiatorEphemeral),
                X25519.agree(prekeyPrivate, initiatorEphemeral));
        byte[] ad = associatedData(initiatorAgreementKey, self.agreementPublicKey(), initiator, self.peerId());
        return new Start(secret, ad, initiatorEphemeral);
    }

    private static byte[] derive(byte[]... results) {
        ByteArrayOutputStream material = new ByteArrayOutputStream();
        material.writeBytes(PAD);
        for (byte[] result : results) {
            material.writeBytes(result);
        }
        return Hkdf.derive(material.toByteArray(), SALT, INFO, 32);
    }

    private static byte[] associatedData(byte[] initiatorKey, byte[] responderKey, PeerId initiator, PeerId responder) {
        ByteArrayOutputStream ad = new ByteArrayOutputStream();
        ad.writeBytes(initiatorKey);
        ad.writeBytes(responderKey);
        ad.writeBytes(initiator.publicKey());
        ad.writeBytes(responder.publicKey());
        return ad.toByteArray();
    }

    private static byte[] filled(int length, byte value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, value);
        return bytes;
    }
}
