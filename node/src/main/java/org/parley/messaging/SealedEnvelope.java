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
 * Sealed envelopes, the sender inside (decision 0039). Version 2 carries in clear the recipient,
 * the pair's mailbox address for the epoch ({@link PairAddresses}), the times, a one-time X25519
 * key ({@link BoxKeys}), the sealed box and a proof of work ({@link Stamp}); the pair key signs all
 * of it. Version 3, the placed form (decision 0047), is the same without the recipient: mail to a
 * contact who knows us waits at the pair address, and a relay holding it learns neither party.
 * A relay checks shape, times, work and signature, and so knows the envelope is whole and paid
 * for, but not who of all peers wrote it. The recipient opens the box with its identity key and
 * finds the sender's identity key and the payload; the sender is proved by the address, which
 * only the sender and the recipient can derive: deniably, since the recipient could have made the
 * same envelope.
 */
public final class SealedEnvelope {
    private static final ThreadLocal<MessageDigest> DIGESTS = ThreadLocal.withInitial(SealedEnvelope::newDigest);
    public static final int VERSION = 2;
    /** The placed form: no recipient in clear; held at, and fetched by, the pair address. */
    public static final int PLACED_VERSION = 3;
    private static final byte[] DOMAIN = "parley-envelope-v2:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PLACED_DOMAIN = "parley-envelope-v3:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NO_RECIPIENT = new byte[0];
    private static final int KEY = 32;
    /** The sealed box: the sender's identity key, at least one byte of payload, and the AEAD's overhead. */
    private static final int MIN_SEALED = KEY + 1 + Aead.OVERHEAD;
    private static final int MAX_SEALED = KEY + Envelope.MAX_PAYLOAD_BYTES + Aead.OVERHEAD;

    /**
     * What anyone can check and learn of an envelope without opening it.
     *
     * @param recipient   the recipient named in clear; null in the placed form
     * @param place       where a replica holds it and who may fetch it: the recipient, or in the
     *                    placed form the pair address (as a peer ID: it is an Ed25519 key, and its
     *                    DHT key is derived as a peer ID's)
     * @param contributor whom a replica's fair share counts it against: the pair address of a
     *                    sealed envelope, the sender of a version 1 envelope
     */
    public record Outer(int version, PeerId recipient, PeerId place, PeerId contributor, long createdAtMillis,
                        long expiresAtMillis, byte[] id) {
        public boolean placed() {
            return version == PLACED_VERSION;
        }
    }

    private SealedEnvelope() {
    }

    /**
     * Seals {@code payload} from {@code sender} to {@code recipient}, with the pair key and stamp of
     * the epoch; in the placed form (version 3) when {@code placed}.
     */
    static WireEnvelope seal(Identity sender, PairAddresses pairs, Stamps stamps, BoxKeys boxes, PeerId recipient,
                             long createdAtMillis, long expiresAtMillis, byte[] payload, boolean placed,
                             SecureRandom random) {
        long epoch = PairAddresses.epochOf(createdAtMillis);
        PairAddresses.PairKey pair = pairs.to(recipient, epoch);
        long stamp = stamps.stampFor(placed ? NO_RECIPIENT : recipient.publicKey(), pair.address(), epoch);
        BoxKeys.BoxKey box = boxes.toSeal(recipient, pair.address(), random);
        return placed
                ? sealPlaced(sender.peerId(), pair, stamp, recipient, box, createdAtMillis, expiresAtMillis, payload, random)
                : sealWith(sender.peerId(), pair, stamp, recipient, box, createdAtMillis, expiresAtMillis, payload,
                        random);
    }

    /** The placed form of {@link #sealWith}: the recipient is only in the box's associated data. */
    static WireEnvelope sealPlaced(PeerId sender, PairAddresses.PairKey pair, long stamp, PeerId recipient,
                                   BoxKeys.BoxKey box, long createdAtMillis, long expiresAtMillis, byte[] payload,
                                   SecureRandom random) {
        return sealAs(PLACED_VERSION, NO_RECIPIENT, sender, pair, stamp, recipient, box, createdAtMillis,
                expiresAtMillis, payload, random);
    }

    /**
     * Seals under a given pair key: {@code sender} is only what the box names. Whoever holds the
     * pair key can do this, the recipient as well as the sender, which is why an envelope proves
     * nothing about its author to anyone but the recipient.
     */
    static WireEnvelope sealWith(PeerId sender, PairAddresses.PairKey pair, long stamp, PeerId recipient,
                                 BoxKeys.BoxKey box, long createdAtMillis, long expiresAtMillis, byte[] payload,
                                 SecureRandom random) {
        return sealAs(VERSION, recipient.publicKey(), sender, pair, stamp, recipient, box, createdAtMillis,
                expiresAtMillis, payload, random);
    }

    /** Both forms: {@code recipientInClear} is the recipient's key (version 2) or empty (placed). */
    private static WireEnvelope sealAs(int version, byte[] recipientInClear, PeerId sender,
                                       PairAddresses.PairKey pair, long stamp, PeerId recipient, BoxKeys.BoxKey box,
                                       long createdAtMillis, long expiresAtMillis, byte[] payload,
                                       SecureRandom random) {
        byte[] ephemeral = box.ephemeral();
        byte[] inner = ByteBuffer.allocate(KEY + payload.length).put(sender.publicKey()).put(payload).array();
        byte[] sealed = Aead.seal(box.key(), inner, associatedData(ephemeral, recipient.publicKey(), pair.address()),
                random);
        byte[] signed = signedBytes(version, recipientInClear, pair.address(), createdAtMillis, expiresAtMillis,
                stamp, ephemeral, sealed);
        return WireEnvelope.newBuilder()
                .setVersion(version)
                .setRecipient(ByteString.copyFrom(recipientInClear))
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
     * What a relay checks of a sealed envelope (version 2 or the placed form): the shape of every
     * field, the time window, at least {@code stampBits} of work, and the pair key's signature.
     *
     * @throws EnvelopeException saying why it is refused
     */
    public static Outer check(WireEnvelope proto, long nowMillis, int stampBits) throws EnvelopeException {
        int version = proto.getVersion();
        if (version != VERSION && version != PLACED_VERSION) {
            throw new EnvelopeException(Misbehaviour.UNSUPPORTED_VERSION, "envelope version " + version);
        }
        if (!proto.getSender().isEmpty() || !proto.getPayload().isEmpty()) {
            throw new EnvelopeException(Misbehaviour.MALFORMED, "sealed envelope with a sender or payload in clear");
        }
        int recipientSize = version == VERSION ? KEY : 0;
        if (proto.getRecipient().size() != recipientSize || proto.getAddress().size() != KEY
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
        byte[] signed = signedBytes(version, recipient, address, proto.getCreatedAtMs(), proto.getExpiresAtMs(),
                proto.getStamp(), proto.getEphemeralKey().toByteArray(), proto.getSealed().toByteArray());
        if (!Ed25519.verify(address, signed, proto.getSignature().toByteArray())) {
            throw new EnvelopeException(Misbehaviour.FORGED, "sealed envelope signature does not verify");
        }
        PeerId pairAddress = PeerId.fromPublicKey(address);
        PeerId named = version == VERSION ? PeerId.fromPublicKey(recipient) : null;
        return new Outer(version, named, named != null ? named : pairAddress, pairAddress, proto.getCreatedAtMs(),
                proto.getExpiresAtMs(), sha256(signed));
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
        return open(self, pairs, boxes, proto, outer, sender -> true);
    }

    /**
     * As above, but refuses ({@code UNPAID}) before deriving the sender's pair key when
     * {@code worthDeriving} says no: a derivation costs three scalar multiplications, and a flood
     * of junk naming fresh senders should not buy them.
     */
    static Envelope open(Identity self, PairAddresses pairs, BoxKeys boxes, WireEnvelope proto, Outer outer,
                         java.util.function.Predicate<PeerId> worthDeriving) throws EnvelopeException {
        byte[] ephemeral = proto.getEphemeralKey().toByteArray();
        byte[] recipient = self.peerId().publicKey();
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
        if (!worthDeriving.test(sender)) {
            throw new EnvelopeException(Misbehaviour.UNPAID, "a first contact without the work asked");
        }
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
        return new Envelope(outer.version(), sender, self.peerId(), outer.createdAtMillis(), outer.expiresAtMillis(),
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
            return new Outer(Envelope.VERSION, envelope.recipient(), envelope.recipient(), envelope.sender(),
                    envelope.createdAtMillis(), envelope.expiresAtMillis(), envelope.id());
        }
        return check(proto, nowMillis, stampBits);
    }

    /** Whom a held envelope counts against, without checking it (for loading what was checked when taken). */
    public static PeerId contributorOf(WireEnvelope proto) {
        return PeerId.fromPublicKey((proto.getVersion() == Envelope.VERSION ? proto.getSender() : proto.getAddress())
                .toByteArray());
    }

    /** Where a held envelope waits, without checking it: its pair address in the placed form, else its recipient. */
    public static PeerId placeOf(WireEnvelope proto) {
        return PeerId.fromPublicKey((proto.getVersion() == PLACED_VERSION ? proto.getAddress() : proto.getRecipient())
                .toByteArray());
    }

    private static byte[] associatedData(byte[] ephemeral, byte[] recipient, byte[] address) {
        return BoxKeys.associatedData(ephemeral, recipient, address);
    }

    private static byte[] signedBytes(int version, byte[] recipient, byte[] address, long created, long expires,
                                      long stamp, byte[] ephemeral, byte[] sealed) {
        byte[] domain = version == VERSION ? DOMAIN : PLACED_DOMAIN;
        return ByteBuffer.allocate(domain.length + 4 + recipient.length + KEY + 8 + 8 + 8 + KEY + 4 + sealed.length)
                .put(domain)
                .putInt(version)
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
