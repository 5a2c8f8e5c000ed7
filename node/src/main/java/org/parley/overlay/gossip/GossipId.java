package org.parley.overlay.gossip;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The ID of a gossip message: SHA-256 of {@code len(topic) || topic || payload} (length as 4 bytes,
 * big-endian, topic as UTF-8).
 *
 * <p>Derived from the content rather than chosen by the publisher, so that every relay can check
 * it: a peer cannot announce an ID it will never honour for a different message, nor make us drop
 * a real message by sending something else under its ID first. The length prefix keeps topic and
 * payload from sliding into each other. Two publications of identical bytes on one topic are one
 * message; the layer above makes every payload unique (signed envelopes carry their own time and
 * randomness), so that costs nothing.
 */
public final class GossipId {
    public static final int SIZE = 32;

    private final ByteString bytes;

    private GossipId(ByteString bytes) {
        this.bytes = bytes;
    }

    /** The ID of {@code payload} published on {@code topic}. */
    public static GossipId of(String topic, ByteString payload) {
        byte[] topicBytes = topic.getBytes(StandardCharsets.UTF_8);
        MessageDigest sha256 = sha256();
        sha256.update(ByteBuffer.allocate(4).putInt(topicBytes.length).array());
        sha256.update(topicBytes);
        sha256.update(payload.asReadOnlyByteBuffer());
        return new GossipId(ByteString.copyFrom(sha256.digest()));
    }

    /** An ID as it came off the wire; the caller has checked its size. */
    public static GossipId fromWire(ByteString bytes) {
        if (bytes.size() != SIZE) {
            throw new IllegalArgumentException("a message ID is " + SIZE + " bytes");
        }
        return new GossipId(bytes);
    }

    public ByteString bytes() {
        return bytes;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GossipId id && bytes.equals(id.bytes);
    }

    @Override
    public int hashCode() {
        return bytes.hashCode();
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes.substring(0, 8).toByteArray());
    }
}
