package org.parley.overlay.dht;

import org.parley.identity.PeerId;
import org.parley.runtime.Rng;

/** Peer IDs for tests: random 32-byte keys (the DHT never checks they are curve points). */
final class Peers {
    private Peers() {
    }

    static PeerId random(Rng rng) {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) rng.nextLong(256);
        }
        return PeerId.fromPublicKey(key);
    }

    /** A random peer whose key shares exactly {@code prefixLength} leading bits with {@code local}. */
    static PeerId inBucket(DhtKey local, int prefixLength, Rng rng) {
        while (true) {
            PeerId peer = random(rng);
            if (local.commonPrefixLength(DhtKey.ofPeer(peer)) == prefixLength) {
                return peer;
            }
        }
    }
}
