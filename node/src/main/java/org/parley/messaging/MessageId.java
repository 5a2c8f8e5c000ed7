package org.parley.messaging;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A message's identity as both ends show it: 16 random bytes chosen by the sender when the user
 * sends, carried inside the encrypted content. (The envelope has an ID of its own, the hash of
 * its signed bytes; a message gets its envelope only once a session with the recipient exists.)
 */
public final class MessageId {
    public static final int SIZE = 16;
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] bytes;

    private MessageId(byte[] bytes) {
        this.bytes = bytes;
    }

    public static MessageId random(SecureRandom random) {
        byte[] bytes = new byte[SIZE];
        random.nextBytes(bytes);
        return new MessageId(bytes);
    }

    /** @throws IllegalArgumentException when the bytes are not a message ID */
    public static MessageId of(byte[] bytes) {
        if (bytes == null || bytes.length != SIZE) {
            throw new IllegalArgumentException("a message ID is " + SIZE + " bytes");
        }
        return new MessageId(bytes.clone());
    }

    /** @throws IllegalArgumentException with a message fit for the user */
    public static MessageId parse(String text) {
        String input = text == null ? "" : text.strip();
        if (input.length() != SIZE * 2) {
            throw new IllegalArgumentException("a message ID is " + SIZE * 2 + " hex digits, got '" + input + "'");
        }
        try {
            return new MessageId(HEX.parseHex(input.toLowerCase(java.util.Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a message ID is hex digits, got '" + input + "'", e);
        }
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MessageId id && Arrays.equals(bytes, id.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HEX.formatHex(bytes);
    }
}
