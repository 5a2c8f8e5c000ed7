package org.parley.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Addresses come from peers (records, dial-back requests, relays): a host is bounded, and a refusal quotes little. */
class HostPortTest {
    @Test
    void aHostOfTheLongestDnsNameIsTakenOneCharacterMoreIsRefusedInAShortLine() {
        String longest = ("a".repeat(62) + ".").repeat(4) + "b";
        assertEquals(HostPort.MAX_HOST, longest.length());
        assertEquals(new HostPort(longest, 7000), HostPort.parse(longest + ":7000"));

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> HostPort.parse("x" + longest + ":7000"));
        assertTrue(refused.getMessage().startsWith("host of 254 characters in '"), refused.getMessage());
        assertTrue(refused.getMessage().endsWith("', longer than 253"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HostPort("x" + longest, 7000),
                "built from parts, too");

        String megabyte = "h".repeat(1 << 20) + ":1";
        refused = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(megabyte));
        assertTrue(refused.getMessage().length() < 200, "a peer's megabyte is not quoted whole");
        refused = assertThrows(IllegalArgumentException.class, () -> HostPort.parse("h:" + "9".repeat(1 << 20)));
        assertTrue(refused.getMessage().startsWith("bad port in 'h:99") && refused.getMessage().length() < 200);
    }

    @Test
    void ipv6LiteralsAndNamesStillParseAndPrintAsBefore() {
        assertEquals("[::1]:7000", HostPort.parse("[::1]:7000").toString());
        assertEquals(new HostPort("example.org", 443), HostPort.parse(" Example.ORG:443 "));
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("::1:7000"));
    }
}
