package org.parley.runtime;

/**
 * Randomness for protocol decisions (jitter, peer selection). Not for key material: keys always
 * come from {@link java.security.SecureRandom}. The simulator seeds it to replay a run exactly.
 */
public interface Rng {
    /** A uniform value in [0, bound). */
    long nextLong(long bound);

    /** A uniform value in [0, 1). */
    double nextDouble();
}
