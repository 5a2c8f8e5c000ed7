package org.parley.messaging;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.parley.crypto.Ed25519;
import org.parley.crypto.X25519;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.proto.wire.v1.PrekeyBundle;

/** Our prekey bundle, and the checks on a bundle a peer presents. */
final class Bundles {
    private static final byte[] PREKEY_DOMAIN = "parley-signed-prekey-v1:".getBytes(StandardCharsets.US_ASCII);

    /** A peer's bundle whose signatures were checked against its peer ID. */
    record Verified(PeerId owner, byte[] agreementKey, int prekeyId, byte[] prekey) {
    }

    private Bundles() {
    }

    static PrekeyBundle own(Identity identity, OwnPrekey prekey) {
        byte[] prekeyPublic = X25519.publicKey(prekey.privateKey());
        return PrekeyBundle.newBuilder()
                .setOwner(ByteString.copyFrom(identity.peerId().publicKey()))
                .setAgreementKey(ByteString.copyFrom(identity.agreementPublicKey()))
                .setAgreementSignature(ByteString.copyFrom(identity.agreementSignature()))
                .setSignedPrekeyId(prekey.id())
                .setSignedPrekey(ByteString.copyFrom(prekeyPublic))
                .setSignedPrekeySignature(ByteString.copyFrom(identity.sign(prekeyStatement(prekey.id(), prekeyPublic))))
                .build();
    }

    /**
     * Checks that {@code bundle} is {@code owner}'s: its keys signed by the owner's identity key.
     *
     * @throws EnvelopeException FORGED or MALFORMED
     */
    static Verified verify(PrekeyBundle bundle, PeerId owner) throws EnvelopeException {
        if (bundle.getOwner().size() != Ed25519.PUBLIC_KEY_SIZE || bundle.getAgreementKey().size() != X25519.KEY_SIZE
                || bundle.getSignedPrekey().size() != X25519.KEY_SIZE) {
            throw new EnvelopeException(Misbehaviour.MALFORMED, "prekey bundle field of the wrong size");
        }
        if (!PeerId.fromPublicKey(bundle.getOwner().toByteArray()).equals(owner)) {
            throw new EnvelopeException(Misbehaviour.FORGED, "prekey bundle of another peer");
        }
        byte[] agreementKey = bundle.getAgreementKey().toByteArray();
        byte[] prekey = bundle.getSignedPrekey().toByteArray();
        if (!Identity.verifyAgreementKey(owner, agreementKey, bundle.getAgreementSignature().toByteArray())
                || !owner.verify(prekeyStatement(bundle.getSignedPrekeyId(), prekey),
                bundle.getSignedPrekeySignature().toByteArray())) {
            throw new EnvelopeException(Misbehaviour.FORGED, "prekey bundle signature does not verify");
        }
        return new Verified(owner, agreementKey, bundle.getSignedPrekeyId(), prekey);
    }

    private static byte[] prekeyStatement(int id, byte[] prekeyPublic) {
        return ByteBuffer.allocate(PREKEY_DOMAIN.length + 4 + prekeyPublic.length).put(PREKEY_DOMAIN).putInt(id)
                .put(prekeyPublic).array();
    }
}
