package org.parley.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Numbers people compare out of band to be sure they hold each other's real keys. A fingerprint
 * is 30 decimal digits in six groups of five (about 100 bits): digits read aloud well in any
 * language and cannot be confused the way base32 letters can. A safety number is both parties'
 * fingerprints in a fixed order, so both see the same 60 digits.
 */
public final class Fingerprint {
    private static final byte[] DOMAIN = "parley-fingerprint-v1:".getBytes(StandardCharsets.US_ASCII);
    private static final int GROUPS = 6;
    private static final int GROUP_BYTES = 5;
    private static final long GROUP_MODULUS = 100_000;

    private Fingerprint() {
    }

    /** The fingerprint of a peer's identity key, e.g. {@code 04817 55210 93384 11265 70042 38951}. */
    public static String of(PeerId peer) {
        byte[] digest = sha256(DOMAIN, peer.publicKey());
        StringBuilder text = new StringBuilder();
        for (int group = 0; group < GROUPS; group++) {
            long value = 0;
            for (int i = 0; i < GROUP_BYTES; i++) {
                value = (value << 8) | (digest[group * GROUP_BYTES + i] & 0xff);
            }
            if (group > 0) {
                text.append(' ');
            }
            text.append(String.format("%05d", value % GROUP_MODULUS));
        }
        return text.toString();
    }

    /** The safety number of two peers: the same whichever of them computes it. */
    public static String safetyNumber(PeerId one, PeerId other) {
        PeerId first = one.compareTo(other) <= 0 ? one : other;
        PeerId second = first == one ? other : one;
        return of(first) + " " + of(second);
    }

    private static byte[] sha256(byte[] domain, byte[] data) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(domain);
            return digest.digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
