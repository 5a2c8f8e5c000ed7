package org.parley.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Whatever a user types or a peer sends as a peer ID is refused with the one checked exception,
 * or parsed to an ID whose canonical form parses back to it.
 */
class PeerIdFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void anyTextParsesOrIsRefusedCleanly(byte[] input) throws InvalidPeerIdException {
        PeerId parsed;
        try {
            parsed = PeerId.parse(new String(input, StandardCharsets.UTF_8));
        } catch (InvalidPeerIdException expected) {
            return;
        }
        assertEquals(parsed, PeerId.parse(parsed.toString()));
    }
}
