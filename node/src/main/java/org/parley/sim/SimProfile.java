package org.parley.sim;

import java.security.SecureRandom;
import org.parley.identity.Identity;
import org.parley.store.Database;

/**
 * What a simulated whole node keeps across restarts, as a daemon keeps its profile: identity,
 * database (in memory, open for the whole run), content key, and its seeded randomness.
 */
record SimProfile(Identity identity, Database database, byte[] contentKey, SecureRandom random) {
    /** A profile whose content key and randomness come from {@code seed}. */
    static SimProfile of(Identity identity, long seed) {
        SecureRandom random = Simulation.seededKeys(seed);
        byte[] key = new byte[32];
        random.nextBytes(key);
        return new SimProfile(identity, Database.inMemory(), key, random);
    }

    void close() {
        database.close();
    }
}
