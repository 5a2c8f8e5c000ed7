package org.parley.overlay.record;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.parley.identity.PeerId;
import org.parley.link.HostPort;
import org.parley.proto.wire.v1.PrekeyBundle;

/**
 * The bytes a peer record's signature covers: a domain prefix, then every other field in a fixed
 * order, fixed-width where the field is and length-prefixed where it is not. Protobuf bytes are
 * never signed, since one message has many valid encodings.
 */
final class RecordStatement {
    private static final byte[] DOMAIN = "parley-peer-record-v1:".getBytes(StandardCharsets.US_ASCII);
    /** owner, agreement key and its signature, prekey ID, prekey and its signature. */
    private static final int BUNDLE_SIZE = 32 + 32 + 64 + 4 + 32 + 64;

    private RecordStatement() {
    }

    /**
     * The statement for these fields. The bundle must have passed {@link BundleShape}: its fields
     * are written without lengths. Link relays come last and only when there are any, so that a
     * record without them signs the same bytes as before they existed; with them, a count and the
     * keys follow the mail relays, which no record without them can end with.
     */
    static byte[] of(int version, PeerId peer, List<HostPort> addresses, long sequence, long createdAtMillis,
                     long expiresAtMillis, PrekeyBundle bundle, List<PeerId> relays, List<PeerId> linkRelays) {
        List<byte[]> addressBytes = addresses.stream()
                .map(address -> address.toString().getBytes(StandardCharsets.US_ASCII))
                .toList();
        int size = DOMAIN.length + 4 + 32 + 8 + 8 + 8 + 4 + BUNDLE_SIZE + 4 + 32 * relays.size()
                + (linkRelays.isEmpty() ? 0 : 4 + 32 * linkRelays.size());
        for (byte[] address : addressBytes) {
            size += 4 + address.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size)
                .put(DOMAIN)
                .putInt(version)
                .put(peer.publicKey())
                .putLong(sequence)
                .putLong(createdAtMillis)
                .putLong(expiresAtMillis)
                .putInt(addressBytes.size());
        for (byte[] address : addressBytes) {
            out.putInt(address.length).put(address);
        }
        putFixed(out, bundle.getOwner(), 32);
        putFixed(out, bundle.getAgreementKey(), 32);
        putFixed(out, bundle.getAgreementSignature(), 64);
        out.putInt(bundle.getSignedPrekeyId());
        putFixed(out, bundle.getSignedPrekey(), 32);
        putFixed(out, bundle.getSignedPrekeySignature(), 64);
        out.putInt(relays.size());
        relays.forEach(relay -> out.put(relay.publicKey()));
        if (!linkRelays.isEmpty()) {
            out.putInt(linkRelays.size());
            linkRelays.forEach(relay -> out.put(relay.publicKey()));
        }
        return out.array();
    }

    /** Guards the fixed layout: a field of another size would make two records encode alike. */
    private static void putFixed(ByteBuffer out, ByteString field, int size) {
        if (field.size() != size) {
            throw new IllegalArgumentException("bundle field of " + field.size() + " bytes where " + size
                    + " belong");
        }
        out.put(field.toByteArray());
    }
}
