package org.parley.overlay.gossip;

import java.nio.ByteBuffer;
import org.parley.identity.PeerId;

/** Peer IDs for tests, fixed by their number so that a seeded run replays exactly. */
final class TestPeers {
    private TestPeers() {
    }

    /**
     * A peer ID whose key bytes spell out {@code n}. Routers never check that an ID is a point on
     * the curve, and no signature is made here.
     */
    static PeerId peer(int n) {
        return PeerId.fromPublicKey(ByteBuffer.allocate(32).putInt(0x9a55_0000).putInt(n).array());
    }
}
