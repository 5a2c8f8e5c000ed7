package org.parley.messaging;

import java.security.SecureRandom;
import org.parley.crypto.X25519;
import org.parley.identity.Identity;
import org.parley.proto.wire.v1.PrekeyBundle;

/**
 * Prekey bundles for nodes that announce themselves without running a messenger (the simulator's
 * overlay-only nodes): a fresh signed prekey, held nowhere, so nobody can start a session on it.
 */
public final class PrekeyBundles {
    private PrekeyBundles() {
    }

    public static PrekeyBundle throwaway(Identity identity, SecureRandom random, long nowMillis) {
        return Bundles.own(identity, new OwnPrekey(1, X25519.generatePrivateKey(random), nowMillis));
    }
}
