package org.parley.overlay.dht;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import org.parley.identity.PeerId;

/**
 * A 256-bit position in the DHT's key space. A peer sits at the SHA-256 of its public key; any
 * other key (a mailbox, a record) at the SHA-256 of its bytes. Hashing spreads peers uniformly, so
 * nobody picks where their own ID lands without grinding keys. Distances are Kademlia's XOR metric:
 * compared as unsigned 256-bit numbers, so the longer the common prefix, the closer two keys are.
 */
public final class DhtKey {
    public static final int SIZE_BYTES = 32;
    public static final int SIZE_BITS = SIZE_BYTES * 8;

    private static final MessageDigest SHA_256;

    static {
        try {
            SHA_256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    private final byte[] bytes;
    private final int hash;

    private DhtKey(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /** The key a peer is stored under: the SHA-256 of its 32-byte public key. */
    public static DhtKey ofPeer(PeerId peer) {
        return ofBytes(peer.publicKey());
    }

    /** The key of arbitrary bytes: their SHA-256. */
    public static DhtKey ofBytes(byte[] data) {
        return new DhtKey(sha256().digest(data));
    }

    /**
     * A fresh SHA-256 digest, cloned from one made at start: keys are hashed on every DHT
     * message, and cloning costs less than looking the algorithm up among the providers.
     */
    private static MessageDigest sha256() {
        try {
            return (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException impossible) {
                throw new IllegalStateException("every Java has SHA-256", impossible);
            }
        }
    }

    /** A key given as its 32 raw bytes, for keys that already are a hash (from the wire, in tests). */
    public static DhtKey fromRaw(byte[] raw) {
        if (raw == null || raw.length != SIZE_BYTES) {
            throw new IllegalArgumentException("a DHT key is " + SIZE_BYTES + " bytes");
        }
        return new DhtKey(raw.clone());
    }

    public byte[] toBytes() {
        return bytes.clone();
    }

    /** The XOR distance to {@code other}, as a non-negative number below 2^256. */
    public BigInteger distanceTo(DhtKey other) {
        byte[] xor = new byte[SIZE_BYTES];
        for (int i = 0; i < SIZE_BYTES; i++) {
            xor[i] = (byte) (bytes[i] ^ other.bytes[i]);
        }
        return new BigInteger(1, xor);
    }

    /**
     * How many leading bits this key shares with {@code other}: 256 for the same key. It is the
     * index of the k-bucket {@code other} falls into in a routing table centred on this key.
     */
    public int commonPrefixLength(DhtKey other) {
        for (int i = 0; i < SIZE_BYTES; i++) {
            int xor = (bytes[i] ^ other.bytes[i]) & 0xff;
            if (xor != 0) {
                return i * 8 + Integer.numberOfLeadingZeros(xor) - 24;
            }
        }
        return SIZE_BITS;
    }

    /** Bit {@code index} of the key, 0 being the most significant. */
    public boolean bit(int index) {
        return (bytes[index >> 3] & 0x80 >>> (index & 7)) != 0;
    }

    /**
     * Compares the distances of {@code a} and {@code b} from this key without building them:
     * negative when {@code a} is closer, zero when they are the same key, positive when {@code b}
     * is closer. The first byte where {@code a} and {@code b} differ decides it, because the
     * bytes before it contribute equally to both distances.
     */
    public int compareDistances(DhtKey a, DhtKey b) {
        for (int i = 0; i < SIZE_BYTES; i++) {
            int da = (a.bytes[i] ^ bytes[i]) & 0xff;
            int db = (b.bytes[i] ^ bytes[i]) & 0xff;
            if (da != db) {
                return Integer.compare(da, db);
            }
        }
        return 0;
    }

    /** Orders keys from the closest to this key to the farthest. */
    public Comparator<DhtKey> byDistance() {
        return this::compareDistances;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DhtKey key && Arrays.equals(bytes, key.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
