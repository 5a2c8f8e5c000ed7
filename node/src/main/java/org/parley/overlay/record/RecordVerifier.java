package org.parley.overlay.record;

import com.google.protobuf.ByteString;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.parley.link.Misbehaviour;

/**
 * {@link PeerRecord#verify} with a memory: a node hears the same records again and again (peer
 * exchange, every DHT answer), and checking a signature costs far more than hashing the bytes.
 * A record whose exact encoding was verified before is taken from the cache, keyed by the
 * SHA-256 of its bytes, so any change to it misses; only its time window is checked again.
 * Bounded, least recently used out first. Confined to the node's loop.
 */
public final class RecordVerifier {
    private final int capacity;
    private final Map<ByteString, PeerRecord> verified;

    public RecordVerifier(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, not " + capacity);
        }
        this.capacity = capacity;
        this.verified = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteString, PeerRecord> eldest) {
                return size() > RecordVerifier.this.capacity;
            }
        };
    }

    /**
     * The record, verified now or before.
     *
     * @throws PeerRecordException as {@link PeerRecord#verify} does
     */
    public PeerRecord verify(org.parley.proto.wire.v1.PeerRecord proto, long nowMillis) throws PeerRecordException {
        if (proto.getSerializedSize() > PeerRecord.MAX_ENCODED_BYTES) {
            return PeerRecord.verify(proto, nowMillis); // refused there, without hashing a large input
        }
        ByteString key = digest(proto.toByteArray());
        PeerRecord known = verified.get(key);
        if (known != null) {
            if (known.isExpired(nowMillis)) {
                throw new PeerRecordException(Misbehaviour.EXPIRED, "record expired");
            }
            return known;
        }
        PeerRecord record = PeerRecord.verify(proto, nowMillis);
        verified.put(key, record);
        return record;
    }

    private static ByteString digest(byte[] bytes) {
        try {
            return ByteString.copyFrom(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
