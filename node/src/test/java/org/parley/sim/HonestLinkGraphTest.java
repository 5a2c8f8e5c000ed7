package org.parley.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.parley.identity.PeerId;

/** What the attack report says of the links between honest nodes. */
class HonestLinkGraphTest {
    private static PeerId peer(int n) {
        return PeerId.fromPublicKey(ByteBuffer.allocate(32).putInt(0x11ce_0000).putInt(n).array());
    }

    @Test
    void sybilsBetweenHonestNodesJoinNothingAndALinkHeldAtOneEndCounts() {
        PeerId sybil = peer(100);
        Map<PeerId, List<PeerId>> links = new LinkedHashMap<>();
        // 0-1-2 in a row, the 1-2 link known only to 2; 3-4 apart; 5 linked only to the Sybil.
        links.put(peer(0), List.of(peer(1), sybil));
        links.put(peer(1), List.of(peer(0), sybil));
        links.put(peer(2), List.of(peer(1)));
        links.put(peer(3), List.of(peer(4)));
        links.put(peer(4), List.of(peer(3), sybil));
        links.put(peer(5), List.of(sybil));

        HonestLinkGraph graph = HonestLinkGraph.of(links);

        assertEquals(1, graph.withoutHonestLink(), "only the node whose links all go to the Sybil");
        assertEquals(3, graph.largestComponent(), "the Sybil linked to 0, 1, 4 and 5 joins none of them");
    }

    @Test
    void honestNodesAllLinkedMakeOneGroup() {
        Map<PeerId, List<PeerId>> links = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            links.put(peer(i), List.of(peer((i + 1) % 5)));
        }

        assertEquals(new HonestLinkGraph(0, 5), HonestLinkGraph.of(links));
    }
}
