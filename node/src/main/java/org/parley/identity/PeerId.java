package org.parley.identity;

import com.google.common.io.BaseEncoding;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.CRC32;
import org.parley.crypto.Ed25519;

/**
 * A peer's identity: its Ed25519 public key, in a self-certifying text form.
 *
 * <p>Text form: {@code "p1"} (version 1) followed by the lower-case, unpadded base32 (RFC 4648) of
 * {@code publicKey(32) || crc32(version || publicKey)(4)}, 60 characters in all. Input is
 * case-insensitive. CRC-32 detects every burst error of up to 32 bits, and one mistyped base32
 * character is a burst of at most 5, so every single-character typo is caught; the decoder also
 * refuses non-canonical encodings, so a typo in the final character's unused bits is caught too.
 */
public final class PeerId implements Comparable<PeerId> {
    public static final String PREFIX = "p1";
    private static final byte VERSION = 1;
    private static final int CHECKSUM_SIZE = 4;
    private static final BaseEncoding BASE32 = BaseEncoding.base32().lowerCase().omitPadding();
    /** Length of the text form. */
    public static final int TEXT_LENGTH =
            PREFIX.length() + BASE32.encode(new byte[Ed25519.PUBLIC_KEY_SIZE + CHECKSUM_SIZE]).length();

    private final byte[] publicKey;
    private final String text;
    /** Peer IDs key many maps of the overlay: the hash is worked out once. */
    private final int hash;

    private PeerId(byte[] publicKey) {
        this.publicKey = publicKey;
        this.hash = Arrays.hashCode(publicKey);
        this.text = PREFIX + BASE32.encode(withChecksum(publicKey));
    }

    /** The peer ID of an Ed25519 public key. */
    public static PeerId fromPublicKey(byte[] publicKey) {
        if (publicKey == null || publicKey.length != Ed25519.PUBLIC_KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 public key is " + Ed25519.PUBLIC_KEY_SIZE + " bytes");
        }
        return new PeerId(publicKey.clone());
    }

    /**
     * Parses the text form.
     *
     * @throws InvalidPeerIdException with a message fit to show the user
     */
    public static PeerId parse(String input) throws InvalidPeerIdException {
        if (input == null || input.isBlank()) {
            throw new InvalidPeerIdException("peer ID is empty");
        }
        String text = input.strip().toLowerCase(Locale.ROOT);
        String shown = abbreviate(input.strip());
        if (!text.startsWith(PREFIX)) {
            throw new InvalidPeerIdException("not a Parley peer ID (expected it to start with '"
                    + PREFIX + "'): " + shown);
        }
        if (text.length() != TEXT_LENGTH) {
            throw new InvalidPeerIdException("peer ID has " + text.length() + " characters, expected "
                    + TEXT_LENGTH + ": " + shown);
        }
        String body = text.substring(PREFIX.length());
        byte[] decoded;
        try {
            decoded = BASE32.decode(body);
        } catch (IllegalArgumentException e) {
            throw new InvalidPeerIdException("peer ID contains a character outside a-z and 2-7: " + shown);
        }
        if (!BASE32.encode(decoded).equals(body)) {
            throw new InvalidPeerIdException("peer ID checksum does not match (mistyped?): " + shown);
        }
        byte[] key = Arrays.copyOf(decoded, Ed25519.PUBLIC_KEY_SIZE);
        if (!Arrays.equals(withChecksum(key), decoded)) {
            throw new InvalidPeerIdException("peer ID checksum does not match (mistyped?): " + shown);
        }
        return new PeerId(key);
    }

    /** The 32-byte Ed25519 public key this ID stands for. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The first characters after the prefix: enough to tell peers apart on a screen. */
    public String shortForm() {
        return text.substring(PREFIX.length(), PREFIX.length() + 8);
    }

    /** Whether {@code signature} over {@code message} was made by this peer. */
    public boolean verify(byte[] message, byte[] signature) {
        return Ed25519.verify(publicKey, message, signature);
    }

    private static byte[] withChecksum(byte[] key) {
        CRC32 crc = new CRC32();
        crc.update(VERSION);
        crc.update(key);
        return ByteBuffer.allocate(key.length + CHECKSUM_SIZE).put(key).putInt((int) crc.getValue()).array();
    }

    private static String abbreviate(String input) {
        return input.length() <= 80 ? input : input.substring(0, 77) + "...";
    }

    @Override
    public int compareTo(PeerId other) {
        return text.compareTo(other.text);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PeerId peer && Arrays.equals(publicKey, peer.publicKey);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return text;
    }
}
