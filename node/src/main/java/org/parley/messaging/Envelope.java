package org.parley.messaging;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.parley.crypto.Ed25519;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.proto.wire.v1.WireEnvelope.Builder;

/**
 * A message from one peer to another as the recipient sees it once checked: a version 1 envelope
 * (signed by the sender's identity key, sender in clear; made by {@link #create}, still taken),
 * or a version 2 envelope opened ({@link SealedEnvelope}: {@code signature} is then the pair
 * key's, and the envelope's ID is the one its check computed, not {@link #id}). For version 1 the
 * signature covers a canonical encoding of every other field (fixed-width fields, then the
 * length-prefixed payload) with a domain prefix; protobuf bytes are never signed, since their
 * encoding is not unique. The envelope ID is the SHA-256 of the signed bytes.
 */
public record Envelope(int version, PeerId sender, PeerId recipient, long createdAtMillis, long expiresAtMillis,
                       byte[] payload, byte[] signature) {
    public static final int VERSION = 1;
    /** Room for the largest text (64 KiB) with its ratchet header and encryption overhead. */
    public static final int MAX_PAYLOAD_BYTES = 80 * 1024;
    /** How far in the future a sender's clock may run before its envelopes look forged. */
    public static final long MAX_CLOCK_SKEW_MILLIS = 24 * 3600 * 1000L;
    /** The longest an envelope may live; longer is refused, so that dedupe memory is bounded. */
    public static final long MAX_LIFETIME_MILLIS = 30L * 24 * 3600 * 1000;
    private static final byte[] DOMAIN = "parley-envelope-v1:".getBytes(StandardCharsets.US_ASCII);

    /** Seals {@code payload} from {@code sender} to {@code recipient}. */
    public static Envelope create(Identity sender, PeerId recipient, long createdAtMillis, long expiresAtMillis,
                                  byte[] payload) {
        byte[] signed = signedBytes(VERSION, sender.peerId(), recipient, createdAtMillis, expiresAtMillis, payload);
        return new Envelope(VERSION, sender.peerId(), recipient, createdAtMillis, expiresAtMillis, payload.clone(),
                sender.sign(signed));
    }

    /**
     * Checks an envelope from the wire: every field, the signature, and its time window.
     *
     * @throws EnvelopeException saying why it is refused
     */
    public static Envelope verify(org.parley.proto.wire.v1.WireEnvelope proto, long nowMillis) throws EnvelopeException {
        if (proto.getVersion() != VERSION) {
            throw new EnvelopeException(Misbehaviour.UNSUPPORTED_VERSION, "envelope version " + proto.getVersion());
        }
        if (proto.getSender().size() != Ed25519.PUBLIC_KEY_SIZE || proto.getRecipient().size() != Ed25519.PUBLIC_KEY_SIZE
                || proto.getSignature().size() != Ed25519.SIGNATURE_SIZE || proto.getPayload().isEmpty()) {
            throw new EnvelopeException(Misbehaviour.MALFORMED, "envelope field of the wrong size");
        }
        if (proto.getPayload().size() > MAX_PAYLOAD_BYTES) {
            throw new EnvelopeException(Misbehaviour.TOO_LARGE, "envelope payload of " + proto.getPayload().size()
                    + " bytes");
        }
        Envelope envelope = new Envelope(proto.getVersion(), PeerId.fromPublicKey(proto.getSender().toByteArray()),
                PeerId.fromPublicKey(proto.getRecipient().toByteArray()), proto.getCreatedAtMs(),
                proto.getExpiresAtMs(), proto.getPayload().toByteArray(), proto.getSignature().toByteArray());
        if (!envelope.sender.verify(envelope.signedBytes(), envelope.signature)) {
            throw new EnvelopeException(Misbehaviour.FORGED, "envelope signature does not verify");
        }
        checkTimes(envelope.createdAtMillis, envelope.expiresAtMillis, nowMillis);
        return envelope;
    }

    /** Refuses impossible time windows (either version) and what expired by {@code nowMillis}. */
    static void checkTimes(long createdAtMillis, long expiresAtMillis, long nowMillis) throws EnvelopeException {
        if (expiresAtMillis <= createdAtMillis || expiresAtMillis - createdAtMillis > MAX_LIFETIME_MILLIS
                || createdAtMillis > nowMillis + MAX_CLOCK_SKEW_MILLIS) {
            throw new EnvelopeException(Misbehaviour.MALFORMED, "envelope times are impossible");
        }
        if (expiresAtMillis <= nowMillis) {
            throw new EnvelopeException(Misbehaviour.EXPIRED, "envelope expired");
        }
    }

    /** The content address of a version 1 envelope: SHA-256 of the signed bytes. */
    public byte[] id() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(signedBytes());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    public org.parley.proto.wire.v1.WireEnvelope toProto() {
        Builder builder = org.parley.proto.wire.v1.WireEnvelope.newBuilder()
                .setVersion(version)
                .setSender(ByteString.copyFrom(sender.publicKey()))
                .setRecipient(ByteString.copyFrom(recipient.publicKey()))
                .setCreatedAtMs(createdAtMillis)
                .setExpiresAtMs(expiresAtMillis)
                .setPayload(ByteString.copyFrom(payload))
                .setSignature(ByteString.copyFrom(signature));
        return builder.build();
    }

    private byte[] signedBytes() {
        return signedBytes(version, sender, recipient, createdAtMillis, expiresAtMillis, payload);
    }

    private static byte[] signedBytes(int version, PeerId sender, PeerId recipient, long created, long expires,
                                      byte[] payload) {
        return ByteBuffer.allocate(DOMAIN.length + 4 + 32 + 32 + 8 + 8 + 4 + payload.length)
                .put(DOMAIN)
                .putInt(version)
                .put(sender.publicKey())
                .put(recipient.publicKey())
                .putLong(created)
                .putLong(expires)
                .putInt(payload.length)
                .put(payload)
                .array();
    }
}
