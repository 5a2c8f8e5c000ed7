package org.parley.overlay.record;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.parley.crypto.X25519;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.HostPort;
import org.parley.proto.wire.v1.PrekeyBundle;

/** Identities, bundles and hand-signed records for the record tests. */
final class Records {
    static final SecureRandom RANDOM = new SecureRandom();
    static final long NOW = 1_700_000_000_000L;
    static final long HOUR = 3600 * 1000L;

    private Records() {
    }

    /**
     * A well-formed bundle of {@code owner}. The prekey signature is messaging's statement and is
     * not checked by records, so the identity signs a stand-in for it.
     */
    static PrekeyBundle bundle(Identity owner) {
        byte[] prekey = X25519.publicKey(X25519.generatePrivateKey(RANDOM));
        return PrekeyBundle.newBuilder()
                .setOwner(ByteString.copyFrom(owner.peerId().publicKey()))
                .setAgreementKey(ByteString.copyFrom(owner.agreementPublicKey()))
                .setAgreementSignature(ByteString.copyFrom(owner.agreementSignature()))
                .setSignedPrekeyId(7)
                .setSignedPrekey(ByteString.copyFrom(prekey))
                .setSignedPrekeySignature(ByteString.copyFrom(owner.sign("prekey".getBytes(StandardCharsets.US_ASCII))))
                .build();
    }

    static PeerRecord record(Identity owner, long sequence, long createdAtMillis, long lifetimeMillis,
                             String... addresses) {
        return PeerRecord.create(owner, List.of(addresses), sequence, createdAtMillis, lifetimeMillis, bundle(owner));
    }

    /**
     * {@code proto} with a signature by {@code signer} over its fields as they stand, whatever
     * peer they name: what a peer could sign, as opposed to what only a forger could send.
     */
    static org.parley.proto.wire.v1.PeerRecord signedBy(Identity signer, org.parley.proto.wire.v1.PeerRecord proto) {
        byte[] statement = RecordStatement.of(proto.getVersion(), PeerId.fromPublicKey(proto.getPeer().toByteArray()),
                proto.getAddressesList().stream().map(HostPort::parse).toList(), proto.getSequence(),
                proto.getCreatedAtMs(), proto.getExpiresAtMs(), proto.getBundle(), keys(proto.getRelaysList()),
                keys(proto.getLinkRelaysList()));
        return proto.toBuilder().setSignature(ByteString.copyFrom(signer.sign(statement))).build();
    }

    private static List<PeerId> keys(List<ByteString> keys) {
        return keys.stream().filter(key -> key.size() == 32).map(key -> PeerId.fromPublicKey(key.toByteArray()))
                .toList();
    }
}
