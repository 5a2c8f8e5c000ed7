package org.parley.overlay.record;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import java.util.Arrays;
import java.util.List;
import org.parley.crypto.Ed25519;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.HostPort;
import org.parley.link.Misbehaviour;
import org.parley.proto.wire.v1.PrekeyBundle;

/**
 * A peer's signed word on where it listens and how to start a session with it. Anyone may pass
 * a record on; only the peer's identity key can make one, so nobody can forge another peer's
 * addresses. The signature covers {@link RecordStatement}'s canonical encoding of every other
 * field. The sequence number is an unsigned 64-bit counter: of two records from one peer, the
 * one with the higher number replaces the other.
 */
public final class PeerRecord {
    public static final int VERSION = 1;
    /**
     * The longest a record may live, and so the furthest in the future its expiry may lie. A
     * peer republishes well before expiry; a record that claims to last longer would keep stale
     * addresses in circulation after the peer has moved.
     */
    public static final long MAX_LIFETIME_MILLIS = 7L * 24 * 3600 * 1000;
    /** Room for the most and longest addresses with the bundle; anything bigger is padding. */
    public static final int MAX_ENCODED_BYTES = 4096;
    /**
     * The most relays a record names: each one is a copy a sender hands over besides the k
     * closest replicas, so the list stays short.
     */
    public static final int MAX_RELAYS = 4;
    /** The most link relays a record names: a private node keeps two or three reservations. */
    public static final int MAX_LINK_RELAYS = 3;

    private final PeerId peer;
    private final List<HostPort> addresses;
    private final long sequence;
    private final long createdAtMillis;
    private final long expiresAtMillis;
    private final PrekeyBundle bundle;
    private final List<PeerId> relays;
    private final List<PeerId> linkRelays;
    private final byte[] signature;
    private final byte[] signedBytes;
    /** The wire form, built when first asked for: records are passed on far more often than made. */
    private volatile org.parley.proto.wire.v1.PeerRecord proto;

    private PeerRecord(PeerId peer, List<HostPort> addresses, long sequence, long createdAtMillis,
                       long expiresAtMillis, PrekeyBundle bundle, List<PeerId> relays, List<PeerId> linkRelays,
                       byte[] signature) {
        this.peer = peer;
        this.addresses = addresses;
        this.sequence = sequence;
        this.createdAtMillis = createdAtMillis;
        this.expiresAtMillis = expiresAtMillis;
        this.bundle = bundle;
        this.relays = relays;
        this.linkRelays = linkRelays;
        this.signature = signature;
        this.signedBytes = RecordStatement.of(VERSION, peer, addresses, sequence, createdAtMillis, expiresAtMillis,
                bundle, relays, linkRelays);
    }

    /**
     * Signs a record for {@code identity}, created at {@code nowMillis} and expiring
     * {@code lifetimeMillis} later.
     *
     * @throws IllegalArgumentException when the addresses, lifetime or bundle would not pass
     *     {@link #verify}
     */
    public static PeerRecord create(Identity identity, List<String> addresses, long sequence, long nowMillis,
                                    long lifetimeMillis, PrekeyBundle bundle) {
        return create(identity, addresses, sequence, nowMillis, lifetimeMillis, bundle, List.of());
    }

    /**
     * Signs a record that also names the contacts relaying {@code identity}'s mail.
     *
     * @throws IllegalArgumentException when the addresses, lifetime, bundle or relays would not
     *     pass {@link #verify}
     */
    public static PeerRecord create(Identity identity, List<String> addresses, long sequence, long nowMillis,
                                    long lifetimeMillis, PrekeyBundle bundle, List<PeerId> relays) {
        return create(identity, addresses, sequence, nowMillis, lifetimeMillis, bundle, relays, List.of());
    }

    /**
     * Signs a record that also names the peers holding a reservation for {@code identity}, which
     * splice links to it for whoever cannot dial its addresses.
     *
     * @throws IllegalArgumentException when the addresses, lifetime, bundle or either list of
     *     relays would not pass {@link #verify}
     */
    public static PeerRecord create(Identity identity, List<String> addresses, long sequence, long nowMillis,
                                    long lifetimeMillis, PrekeyBundle bundle, List<PeerId> relays,
                                    List<PeerId> linkRelays) {
        if (nowMillis < 0 || lifetimeMillis <= 0 || lifetimeMillis > MAX_LIFETIME_MILLIS) {
            throw new IllegalArgumentException("a record lives from now for at most " + MAX_LIFETIME_MILLIS
                    + " ms, not " + lifetimeMillis + " ms from " + nowMillis);
        }
        List<HostPort> parsed;
        try {
            parsed = ListenAddresses.parse(addresses);
            BundleShape.check(bundle, identity.peerId());
            checkRelays(relays, identity.peerId());
            checkLinkRelays(linkRelays, identity.peerId());
        } catch (PeerRecordException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        PrekeyBundle signedBundle = withoutUnknownFields(bundle);
        long expiresAtMillis = nowMillis + lifetimeMillis;
        List<PeerId> relayList = List.copyOf(relays);
        List<PeerId> linkRelayList = List.copyOf(linkRelays);
        byte[] statement = RecordStatement.of(VERSION, identity.peerId(), parsed, sequence, nowMillis,
                expiresAtMillis, signedBundle, relayList, linkRelayList);
        return new PeerRecord(identity.peerId(), parsed, sequence, nowMillis, expiresAtMillis, signedBundle,
                relayList, linkRelayList, identity.sign(statement));
    }

    /**
     * Parses and checks a record as it came off the wire; the size is checked before parsing.
     *
     * @throws PeerRecordException saying why it is refused
     */
    public static PeerRecord decode(byte[] encoded, long nowMillis) throws PeerRecordException {
        if (encoded.length > MAX_ENCODED_BYTES) {
            throw new PeerRecordException(Misbehaviour.TOO_LARGE, "record of " + encoded.length + " bytes");
        }
        org.parley.proto.wire.v1.PeerRecord proto;
        try {
            proto = org.parley.proto.wire.v1.PeerRecord.parseFrom(encoded);
        } catch (InvalidProtocolBufferException e) {
            throw new PeerRecordException(Misbehaviour.MALFORMED, "record does not parse");
        }
        return verify(proto, nowMillis);
    }

    /**
     * Checks a record from the wire, cheapest checks first: size, version, shape, addresses,
     * bundle, then the signature, then its time window. The times come after the signature so
     * that a forger never earns the light penalty of a merely expired record.
     *
     * @throws PeerRecordException saying why it is refused
     */
    public static PeerRecord verify(org.parley.proto.wire.v1.PeerRecord proto, long nowMillis)
            throws PeerRecordException {
        if (proto.getSerializedSize() > MAX_ENCODED_BYTES) {
            throw new PeerRecordException(Misbehaviour.TOO_LARGE, "record of " + proto.getSerializedSize()
                    + " bytes");
        }
        // Version 0 is what an absent field reads as: no version at all, not a future one.
        if (proto.getVersion() == 0) {
            throw new PeerRecordException(Misbehaviour.MALFORMED, "record without a version");
        }
        if (proto.getVersion() != VERSION) {
            throw new PeerRecordException(Misbehaviour.UNSUPPORTED_VERSION, "record version " + proto.getVersion());
        }
        if (proto.getPeer().size() != Ed25519.PUBLIC_KEY_SIZE || proto.getSignature().size() != Ed25519.SIGNATURE_SIZE
                || !proto.hasBundle()) {
            throw new PeerRecordException(Misbehaviour.MALFORMED, "record field of the wrong size or missing");
        }
        if (proto.getCreatedAtMs() < 0 || proto.getExpiresAtMs() <= proto.getCreatedAtMs()) {
            throw new PeerRecordException(Misbehaviour.MALFORMED, "record times are impossible");
        }
        PeerId peer = PeerId.fromPublicKey(proto.getPeer().toByteArray());
        List<HostPort> addresses = ListenAddresses.parse(proto.getAddressesList());
        BundleShape.check(proto.getBundle(), peer);
        List<PeerId> relays = parseRelays(proto.getRelaysList(), peer);
        List<PeerId> linkRelays = parseLinkRelays(proto.getLinkRelaysList(), peer);
        PeerRecord record = new PeerRecord(peer, addresses, proto.getSequence(), proto.getCreatedAtMs(),
                proto.getExpiresAtMs(), withoutUnknownFields(proto.getBundle()), relays, linkRelays,
                proto.getSignature().toByteArray());
        if (!peer.verify(record.signedBytes, record.signature)) {
            throw new PeerRecordException(Misbehaviour.FORGED, "record signature does not verify");
        }
        if (record.expiresAtMillis - record.createdAtMillis > MAX_LIFETIME_MILLIS
                || record.expiresAtMillis > nowMillis + MAX_LIFETIME_MILLIS) {
            throw new PeerRecordException(Misbehaviour.EXPIRY_TOO_FAR, "record expires too far ahead");
        }
        if (record.isExpired(nowMillis)) {
            throw new PeerRecordException(Misbehaviour.EXPIRED, "record expired");
        }
        return record;
    }

    /** @throws PeerRecordException TOO_LARGE or MALFORMED */
    private static List<PeerId> parseRelays(List<ByteString> keys, PeerId owner) throws PeerRecordException {
        if (keys.size() > MAX_RELAYS) {
            throw new PeerRecordException(Misbehaviour.TOO_LARGE, keys.size() + " relays, at most " + MAX_RELAYS);
        }
        List<PeerId> relays = new java.util.ArrayList<>(keys.size());
        for (ByteString key : keys) {
            if (key.size() != Ed25519.PUBLIC_KEY_SIZE) {
                throw new PeerRecordException(Misbehaviour.MALFORMED, "relay key of " + key.size() + " bytes");
            }
            relays.add(PeerId.fromPublicKey(key.toByteArray()));
        }
        checkRelays(relays, owner);
        return List.copyOf(relays);
    }

    /** @throws PeerRecordException TOO_LARGE or MALFORMED */
    private static List<PeerId> parseLinkRelays(List<ByteString> keys, PeerId owner) throws PeerRecordException {
        if (keys.size() > MAX_LINK_RELAYS) {
            throw new PeerRecordException(Misbehaviour.TOO_LARGE, keys.size() + " link relays, at most "
                    + MAX_LINK_RELAYS);
        }
        List<PeerId> relays = new java.util.ArrayList<>(keys.size());
        for (ByteString key : keys) {
            if (key.size() != Ed25519.PUBLIC_KEY_SIZE) {
                throw new PeerRecordException(Misbehaviour.MALFORMED, "link relay key of " + key.size() + " bytes");
            }
            relays.add(PeerId.fromPublicKey(key.toByteArray()));
        }
        checkLinkRelays(relays, owner);
        return List.copyOf(relays);
    }

    /** Few, distinct, and never the peer itself (a circuit to itself through itself reaches nobody). */
    private static void checkLinkRelays(List<PeerId> relays, PeerId owner) throws PeerRecordException {
        if (relays.size() > MAX_LINK_RELAYS) {
            throw new PeerRecordException(Misbehaviour.TOO_LARGE, relays.size() + " link relays, at most "
                    + MAX_LINK_RELAYS);
        }
        if (relays.contains(owner) || new java.util.HashSet<>(relays).size() != relays.size()) {
            throw new PeerRecordException(Misbehaviour.MALFORMED, "link relays repeat or name the peer itself");
        }
    }

    /** Few, distinct, and never the peer itself (it cannot hold its own mail). */
    private static void checkRelays(List<PeerId> relays, PeerId owner) throws PeerRecordException {
        if (relays.size() > MAX_RELAYS) {
            throw new PeerRecordException(Misbehaviour.TOO_LARGE, relays.size() + " relays, at most " + MAX_RELAYS);
        }
        if (relays.contains(owner) || new java.util.HashSet<>(relays).size() != relays.size()) {
            throw new PeerRecordException(Misbehaviour.MALFORMED, "relays repeat or name the peer itself");
        }
    }

    /** Unknown fields are not signed; keeping them would let a relay smuggle bytes along. */
    private static PrekeyBundle withoutUnknownFields(PrekeyBundle bundle) {
        return bundle.toBuilder().setUnknownFields(UnknownFieldSet.getDefaultInstance()).build();
    }

    public org.parley.proto.wire.v1.PeerRecord toProto() {
        org.parley.proto.wire.v1.PeerRecord built = proto;
        if (built == null) {
            built = buildProto();
            proto = built;
        }
        return built;
    }

    private org.parley.proto.wire.v1.PeerRecord buildProto() {
        return org.parley.proto.wire.v1.PeerRecord.newBuilder()
                .setVersion(VERSION)
                .setPeer(ByteString.copyFrom(peer.publicKey()))
                .addAllAddresses(addresses.stream().map(HostPort::toString).toList())
                .setSequence(sequence)
                .setCreatedAtMs(createdAtMillis)
                .setExpiresAtMs(expiresAtMillis)
                .setBundle(bundle)
                .addAllRelays(relays.stream().map(relay -> ByteString.copyFrom(relay.publicKey())).toList())
                .addAllLinkRelays(linkRelays.stream().map(relay -> ByteString.copyFrom(relay.publicKey())).toList())
                .setSignature(ByteString.copyFrom(signature))
                .build();
    }

    public PeerId peer() {
        return peer;
    }

    public List<HostPort> addresses() {
        return addresses;
    }

    /** Unsigned: compare with {@link Long#compareUnsigned}. */
    public long sequence() {
        return sequence;
    }

    public long createdAtMillis() {
        return createdAtMillis;
    }

    public long expiresAtMillis() {
        return expiresAtMillis;
    }

    /** The peer's prekey bundle; its inner signatures are for messaging to check (see {@link BundleShape}). */
    public PrekeyBundle bundle() {
        return bundle;
    }

    /** The contacts the peer accepted as relays of its mail; senders hand its mail to them too. */
    public List<PeerId> relays() {
        return relays;
    }

    /** The peers holding a reservation for this peer: dial one of them for a circuit to it. */
    public List<PeerId> linkRelays() {
        return linkRelays;
    }

    public boolean isExpired(long nowMillis) {
        return expiresAtMillis <= nowMillis;
    }

    /** Same signed content and signature: the same record, however it was encoded on the way. */
    @Override
    public boolean equals(Object other) {
        return other instanceof PeerRecord record && Arrays.equals(signedBytes, record.signedBytes)
                && Arrays.equals(signature, record.signature);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(signedBytes);
    }

    @Override
    public String toString() {
        return "PeerRecord[" + peer.shortForm() + ", seq " + Long.toUnsignedString(sequence) + ", " + addresses
                + ", expires " + expiresAtMillis + "]";
    }
}
