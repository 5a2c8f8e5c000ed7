package org.parley.crypto;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashing (RFC 9106) for turning a passphrase into a key. The cost parameters
 * are stored beside what they protect, so they are bounded on the way in: a forged file must not
 * be able to make the node allocate gigabytes or spin for hours.
 */
public final class Argon2id {
    /** Cost of one derivation. */
    public record Cost(int memoryKiB, int iterations, int parallelism) {
        /** The interactive default: 64 MiB, 3 passes (RFC 9106's second recommended option). */
        public static final Cost DEFAULT = new Cost(64 * 1024, 3, 1);

        public static final int MAX_MEMORY_KIB = 1024 * 1024;
        public static final int MAX_ITERATIONS = 64;
        public static final int MAX_PARALLELISM = 16;

        public Cost {
            if (memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
                throw new IllegalArgumentException("Argon2 memory out of range: " + memoryKiB + " KiB");
            }
            if (iterations < 1 || iterations > MAX_ITERATIONS) {
                throw new IllegalArgumentException("Argon2 iterations out of range: " + iterations);
            }
            if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
                throw new IllegalArgumentException("Argon2 parallelism out of range: " + parallelism);
            }
        }
    }

    private Argon2id() {
    }

    public static byte[] derive(char[] passphrase, byte[] salt, Cost cost, int length) {
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt)
                .withMemoryAsKB(cost.memoryKiB())
                .withIterations(cost.iterations())
                .withParallelism(cost.parallelism())
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] out = new byte[length];
        byte[] password = toUtf8(passphrase);
        try {
            generator.generateBytes(password, out);
        } finally {
            java.util.Arrays.fill(password, (byte) 0);
        }
        return out;
    }

    private static byte[] toUtf8(char[] chars) {
        java.nio.ByteBuffer buffer = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(chars));
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        if (buffer.hasArray()) {
            java.util.Arrays.fill(buffer.array(), (byte) 0);
        }
        return bytes;
    }
}
