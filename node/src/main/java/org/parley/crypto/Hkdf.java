package org.parley.crypto;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/** HKDF with SHA-256 (RFC 5869). */
public final class Hkdf {
    /** RFC 5869 allows at most 255 blocks of the hash's output. */
    public static final int MAX_LENGTH = 255 * 32;

    private Hkdf() {
    }

    /**
     * @throws IllegalArgumentException when {@code length} is not between 1 and {@link #MAX_LENGTH}
     */
    public static byte[] derive(byte[] inputKeyMaterial, byte[] salt, byte[] info, int length) {
        if (length < 1 || length > MAX_LENGTH) {
            throw new IllegalArgumentException("HKDF-SHA256 output is 1 to " + MAX_LENGTH + " bytes, not " + length);
        }
        HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
        generator.init(new HKDFParameters(inputKeyMaterial, salt, info));
        byte[] out = new byte[length];
        generator.generateBytes(out, 0, length);
        return out;
    }
}
