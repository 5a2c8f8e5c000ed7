package org.parley.groups;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.parley.link.Misbehaviour;

/**
 * A group's name on the wire and for users: 16 bytes derived from the creator's identity key and
 * a random nonce, so only the creator's signature can found a group under a given ID. Written
 * as 32 lowercase hex digits.
 */
public final class GroupId {
    public static final int SIZE = 16;
    public static final int NONCE_SIZE = 16;
    private static final byte[] ID_PREFIX = "parley-group-id-v1:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TOPIC_PREFIX = "parley-group-topic-v1:".getBytes(StandardCharsets.US_ASCII);

    private final byte[] bytes;

    private GroupId(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The ID of the group {@code creator} founds with {@code nonce}. */
    public static GroupId derive(byte[] creator, byte[] nonce) {
        return new GroupId(Arrays.copyOf(sha256(ID_PREFIX, creator, nonce), SIZE));
    }

    public static GroupId of(byte[] bytes) throws GroupException {
        if (bytes == null || bytes.length != SIZE) {
            throw new GroupException(Misbehaviour.MALFORMED, "a group ID is " + SIZE + " bytes");
        }
        return new GroupId(bytes.clone());
    }

    /** Parses the 32-hex-digit text form; a one-line error otherwise. */
    public static GroupId parse(String text) throws GroupException {
        if (text == null || text.length() != SIZE * 2 || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new GroupException(Misbehaviour.MALFORMED, "a group ID is " + SIZE * 2 + " hex digits");
        }
        return new GroupId(HexFormat.of().parseHex(text));
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * The gossip topic the group's posts travel on. It is a hash of the ID, so relays that are not
     * members learn the topic and nothing that names the group's ops.
     */
    public String topic() {
        return "g/" + HexFormat.of().formatHex(Arrays.copyOf(sha256(TOPIC_PREFIX, bytes), 20));
    }

    /** Whether {@code text} has the shape of a topic {@link #topic()} makes (what a non-member can check). */
    public static boolean isTopic(String text) {
        if (text == null || text.length() != 2 + 40 || !text.startsWith("g/")) {
            return false;
        }
        for (int i = 2; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                digest.update(part);
            }
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GroupId id && Arrays.equals(bytes, id.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
