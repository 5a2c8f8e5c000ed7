package org.parley.messaging;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.parley.crypto.Aead;
import org.parley.crypto.Ed25519;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.proto.wire.v1.WireEnvelope;

/**
 * Envelope version 2: the sender sealed inside (decision 0039). What travels in clear is the
 * recipient, the pair's mailbox address for the epoch ({@link PairAddresses}), the times, a
 * one-time X25519 key ({@link BoxKeys}), the sealed box and a proof of work ({@link Stamp}); the
 * pair key signs all of it. A relay checks shape, times, work and signature, and so knows the
 * envelope is whole and paid for, but not who of all peers wrote it. The recipient opens the box
 * with its identity key and finds the sender's identity key and the payload; the sender is proved
 * by the address, which only the sender and the recipient can derive: deniably, since the
 * recipient could have made the same envelope.
 */
public final class SealedEnvelope {
    private static final ThreadLocal<MessageDigest> DIGESTS = ThreadLocal.withInitial(SealedEnvelope::newDigest);
    public static final int VERSION = 2;
    private static final byte[] DOMAIN = "parley-envelope-v2:".getBytes(StandardCharsets.US_ASCII);
    private static final int KEY = 32;
    /** The sealed box: the sender's identity key, at least one byte of payload, and the AEAD's overhead. */
    private static final int MIN_SEALED = KEY + 1 + Aead.OVERHEAD;
    private static final int MAX_SEALED = KEY + Envelope.MAX_PAYLOAD_BYTES + Aead.OVERHEAD;

    /**
     * What anyone can check and learn of an envelope without opening it.
     *
     * @param contributor whom a replica's fair share counts it against: the pair address (as a
     *                    peer ID: it is an Ed25519 key) of a sealed envelope, the sender of a
     *                    version 1 envelope
     */
    public record Outer(int version, PeerId recipient, PeerId contributor, long createdAtMillis,
                        long expiresAtMillis, byte[] id) {
    }

    private SealedEnvelope() {
    }

    /** Seals {@code payload} from {@code sender} to {@code recipient}, with the pair key and stamp of the epoch. */
    static WireEnvelope seal(Identity sender, PairAddresses pairs, Stamps stamps, BoxKeys boxes, PeerId recipient,
                             long createdAtMillis, long expiresAtMillis, byte[] payload, SecureRandom random) {
        long epoch = PairAddresses.epochOf(createdAtMillis);
        PairAddresses.PairKey pair = pairs.to(recipient, epoch);
        long stamp = stamps.stampFor(recipient.publicKey(), pair.address(), epoch);
        return sealWith(sender.peerId(), pair, stamp, recipient, boxes.toSeal(recipient, pair.address(), random),
                createdAtMillis, expiresAtMillis, payload, random);
    }

    /**
     * Seals under a given pair key: {@code sender} is only what the box names. Whoever holds the
     * pair key can do this, the recipient as well as the sender, which is why an envelope proves
     * nothing about its author to anyone but the recipient.
     */
    static WireEnvelope sealWith(PeerId sender, PairAddresses.PairKey pair, long stamp, PeerId recipient,
                                 BoxKeys.BoxKey box, long createdAtMillis, long expiresAtMillis, byte[] payload,
                                 SecureRandom random) {
        byte[] ephemeral = box.ephemeral();
        byte[] boxKey = box.key();
        byte[] inner = ByteBuffer.allocate(KEY + payload.length).put(sender.publicKey()).put(payload).array();
        byte[] sealed = Aead.seal(boxKey, inner, associatedData(ephemeral, recipient.publicKey(), pair.address()), random);
        byte[] signed = signedBytes(recipient.publicKey(), pair.address(), createdAtMillis, expiresAtMillis, stamp,
                ephemeral, sealed);
        return WireEnvelope.newBuilder()
                .setVersion(VERSION)
                .setRecipient(ByteString.copyFrom(recipient.publicKey()))
                .setCreatedAtMs(createdAtMillis)
                .setExpiresAtMs(expiresAtMillis)
                .setAddress(ByteString.copyFrom(pair.address()))
                .setEphemeralKey(ByteString.copyFrom(ephemeral))
                .setSealed(ByteString.copyFrom(sealed))
                .setStamp(stamp)
                .setSignature(ByteString.copyFrom(pair.signingKey().sign(signed)))
                .build();
    }

    /**
     * What a relay checks of a sealed envelope: the shape of every field, the time window, at
     * least {@code stampBits} of work, and the pair key's signature.
     *
     * @throws EnvelopeException saying why it is refused
     */
    public static Outer check(WireEnvelope proto, long nowMillis, int stampBits) throws EnvelopeException {
        if (proto.getVersion() != VERSION) {
            throw new EnvelopeException(Misbehaviour.UNSUPPORTED_VERSION, "envelope version " + proto.getVersion());
        }
        if (!proto.getSender().isEmpty() || !proto.getPayload().isEmpty()) {
            throw new EnvelopeException(Misbehaviour.MALFORMED, "sealed envelope with a sender or payload in clear");
        }
        if (proto.getRecipient().size() != KEY || proto.getAddress().size() != KEY
                || proto.getEphemeralKey().size() != KEY || proto.getSignature().size() != Ed25519.SIGNATURE_SIZE
                || proto.getSealed().size() < MIN_SEALED) {
            throw new EnvelopeException(Misbehaviour.MALFORMED, "envelope field of the wrong size");
        }
        if (proto.getSealed().size() > MAX_SEALED) {
            throw new EnvelopeException(Misbehaviour.TOO_LARGE, "sealed box of " + proto.getSealed().size() + " bytes");
        }
        Envelope.checkTimes(proto.getCreatedAtMs(), proto.getExpiresAtMs(), nowMillis);
        byte[] recipient = proto.getRecipient().toByteArray();
        byte[] address = proto.getAddress().toByteArray();
        long epoch = PairAddresses.epochOf(proto.getCreatedAtMs());
        if (!Stamp.meets(recipient, address, epoch, proto.getStamp(), stampBits)) {
            throw new EnvelopeException(Misbehaviour.UNPAID, "stamp short of " + stampBits + " bits of work");
        }
        byte[] signed = signedBytes(recipient, address, proto.getCreatedAtMs(), proto.getExpiresAtMs(),
                proto.getStamp(), proto.getEphemeralKey().toByteArray(), proto.getSealed().toByteArray());
        if (!Ed25519.verify(address, signed, proto.getSignature().toByteArray())) {
            throw new EnvelopeException(Misbehaviour.FORGED, "sealed envelope signature does not verify");
        }
        return new Outer(VERSION, PeerId.fromPublicKey(recipient), PeerId.fromPublicKey(address),
                proto.getCreatedAtMs(), proto.getExpiresAtMs(), sha256(signed));
    }

    /**
     * Opens a checked envelope addressed to {@code self}: decrypts the box and checks that the
     * sender it names is the one the pair address belongs to.
     *
     * @throws EnvelopeException UNDECRYPTABLE when the box does not open with our key; FORGED when
     *     the sender inside is not the one the address belongs to; MALFORMED for a bad key inside
     */
    static Envelope open(Identity self, PairAddresses pairs, BoxKeys boxes, WireEnvelope proto, Outer outer)
            throws EnvelopeException {
        byte[] ephemeral = proto.getEphemeralKey().toByteArray();
        byte[] recipient = outer.recipient().publicKey();
        byte[] address = proto.getAddress().toByteArray();
        byte[] inner;
        try {
            byte[] boxKey = boxes.toOpen(self, ephemeral, address);
            inner = Aead.open(boxKey, proto.getSealed().toByteArray(), associatedData(ephemeral, recipient, address));
        } catch (IllegalArgumentException e) {
            throw new EnvelopeException(Misbehaviour.MALFORMED, "unusable one-time key");
        } catch (Aead.AeadException e) {
            throw new EnvelopeException(Misbehaviour.UNDECRYPTABLE, "sealed box does not open: " + e.getMessage());
        }
        PeerId sender = PeerId.fromPublicKey(Arrays.copyOf(inner, KEY));
        long epoch = PairAddresses.epochOf(outer.createdAtMillis());
        byte[] expected;
        try {
            expected = pairs.from(sender, epoch).address();
        } catch (IllegalArgumentException e) {
            throw new EnvelopeException(Misbehaviour.MALFORMED, "sender key inside is not a usable key");
        }
        if (!MessageDigest.isEqual(expected, address)) {
            throw new EnvelopeException(Misbehaviour.FORGED, "the sender inside is not the one its address belongs to");
        }
        return new Envelope(VERSION, sender, outer.recipient(), outer.createdAtMillis(), outer.expiresAtMillis(),
                Arrays.copyOfRange(inner, KEY, inner.length), proto.getSignature().toByteArray());
    }

    /**
     * What a relay checks and learns of an envelope of either version. Version 1 (signed by the
     * sender, who is in clear) only when {@code legacy}: it is what replicas held before sealing
     * and what they may still hand over; new deposits must be sealed.
     */
    public static Outer outer(WireEnvelope proto, long nowMillis, int stampBits, boolean legacy)
            throws EnvelopeException {
        if (proto.getVersion() == Envelope.VERSION && legacy) {
            Envelope envelope = Envelope.verify(proto, nowMillis);
            return new Outer(Envelope.VERSION, envelope.recipient(), envelope.sender(), envelope.createdAtMillis(),
                    envelope.expiresAtMillis(), envelope.id());
        }
        return check(proto, nowMillis, stampBits);
    }

    /** Whom a held envelope counts against, without checking it (for loading what was checked when taken). */
    public static PeerId contributorOf(WireEnvelope proto) {
        return PeerId.fromPublicKey((proto.getVersion() == VERSION ? proto.getAddress() : proto.getSender()).toByteArray());
    }

    private static byte[] associatedData(byte[] ephemeral, byte[] recipient, byte[] address) {
        return BoxKeys.associatedData(ephemeral, recipient, address);
    }

    private static byte[] signedBytes(byte[] recipient, byte[] address, long created, long expires, long stamp,
                                      byte[] ephemeral, byte[] sealed) {
        return ByteBuffer.allocate(DOMAIN.length + 4 + KEY + KEY + 8 + 8 + 8 + KEY + 4 + sealed.length)
                .put(DOMAIN)
                .putInt(VERSION)
                .put(recipient)
                .put(address)
                .putLong(created)
                .putLong(expires)
                .putLong(stamp)
                .put(ephemeral)
                .putInt(sealed.length)
                .put(sealed)
                .array();
    }

    /** On a digest of this thread's (verifiers and the storage thread hash every envelope). */
    private static byte[] sha256(byte[] bytes) {
        return DIGESTS.get().digest(bytes);
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
