package org.parley.messaging;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The proof of work a sealed envelope carries: a nonce for which SHA-256 over a domain, the
 * recipient, the pair's mailbox address and the epoch starts with the required number of zero
 * bits. Replicas cannot tell a contact from a stranger, so every sender pays it, once per
 * recipient and epoch ({@link Stamps} remembers it); what it costs is making fresh identities (or
 * fresh addresses) to crowd a recipient's mailbox share or request list: each costs 2^bits hashes
 * per recipient and epoch.
 */
public final class Stamp {
    /** Work asked of a sealed envelope unless the node is set otherwise (decision 0039 gives the cost). */
    public static final int DEFAULT_BITS = 18;
    /** Above this a stamp could take hours: refused as a setting. */
    public static final int MAX_BITS = 28;
    private static final byte[] DOMAIN = "parley-stamp-v1:".getBytes(StandardCharsets.US_ASCII);

    private Stamp() {
    }

    /** Checks that {@code bits} is a difficulty a node may ask for. */
    public static int checkedBits(int bits) {
        if (bits < 0 || bits > MAX_BITS) {
            throw new IllegalArgumentException("stamp difficulty must be 0.." + MAX_BITS + " bits, not " + bits);
        }
        return bits;
    }

    /** The first nonce (counting from 0) that meets {@code bits}: 2^bits hashes on average. */
    public static long find(byte[] recipient, byte[] address, long epoch, int bits) {
        MessageDigest prefix = prefix(recipient, address, epoch);
        ByteBuffer nonce = ByteBuffer.allocate(8);
        for (long candidate = 0; ; candidate++) {
            if (leadingZeroBits(hash(prefix, nonce, candidate)) >= bits) {
                return candidate;
            }
        }
    }

    /** Whether {@code nonce} gives at least {@code bits} leading zero bits. */
    public static boolean meets(byte[] recipient, byte[] address, long epoch, long nonce, int bits) {
        return bits <= 0 || leadingZeroBits(hash(prefix(recipient, address, epoch), ByteBuffer.allocate(8), nonce)) >= bits;
    }

    private static MessageDigest prefix(byte[] recipient, byte[] address, long epoch) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(DOMAIN);
            digest.update(recipient);
            digest.update(address);
            digest.update(ByteBuffer.allocate(8).putLong(epoch).array());
            return digest;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    private static byte[] hash(MessageDigest prefix, ByteBuffer scratch, long nonce) {
        try {
            MessageDigest digest = (MessageDigest) prefix.clone();
            digest.update(scratch.clear().putLong(nonce).array());
            return digest.digest();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digests of the JDK can be cloned", e);
        }
    }

    static int leadingZeroBits(byte[] hash) {
        int bits = 0;
        for (byte b : hash) {
            if (b == 0) {
                bits += 8;
                continue;
            }
            return bits + Integer.numberOfLeadingZeros(b & 0xff) - 24;
        }
        return bits;
    }
}
