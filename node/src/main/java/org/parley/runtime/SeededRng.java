package org.parley.runtime;

import java.util.SplittableRandom;

/**
 * A reproducible {@link Rng}. The real node seeds it from {@link java.security.SecureRandom}; tests
 * and the simulator give a fixed seed so a run replays exactly. Confined to one event loop.
 */
public final class SeededRng implements Rng {
    private final SplittableRandom random;

    public SeededRng(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** A generator seeded from the operating system's entropy. */
    public static SeededRng fromEntropy() {
        return new SeededRng(new java.security.SecureRandom().nextLong());
    }

    @Override
    public long nextLong(long bound) {
        return random.nextLong(bound);
    }

    @Override
    public double nextDouble() {
        return random.nextDouble();
    }
}
