package org.parley.overlay.record;

import org.parley.crypto.Ed25519;
import org.parley.crypto.X25519;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.proto.wire.v1.PrekeyBundle;

/**
 * The checks a record makes on the prekey bundle it carries: every field of its fixed size, and
 * the bundle's owner the record's peer.
 *
 * <p>The bundle stays the wire {@code PrekeyBundle}, and its inner signatures are not checked
 * here. Those are statements of the messaging layer ({@code messaging.Bundles}, package-private
 * and above the overlay, which must not import it); messaging checks them before it starts a
 * session, as it does for a bundle from a neighbour. The record's own signature already covers
 * every field of the bundle, so nobody but the peer can swap or alter it on the way.
 */
final class BundleShape {
    private BundleShape() {
    }

    /** @throws PeerRecordException MALFORMED */
    static void check(PrekeyBundle bundle, PeerId owner) throws PeerRecordException {
        if (bundle.getOwner().size() != Ed25519.PUBLIC_KEY_SIZE
                || bundle.getAgreementKey().size() != X25519.KEY_SIZE
                || bundle.getAgreementSignature().size() != Ed25519.SIGNATURE_SIZE
                || bundle.getSignedPrekey().size() != X25519.KEY_SIZE
                || bundle.getSignedPrekeySignature().size() != Ed25519.SIGNATURE_SIZE) {
            throw new PeerRecordException(Misbehaviour.MALFORMED, "prekey bundle field of the wrong size");
        }
        if (!PeerId.fromPublicKey(bundle.getOwner().toByteArray()).equals(owner)) {
            throw new PeerRecordException(Misbehaviour.MALFORMED, "prekey bundle of another peer");
        }
    }
}
