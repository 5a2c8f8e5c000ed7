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
    void aRefusalQuotesNoEscapeSequenceOrControlCharacterAPeerPutIn() {
        String hostile = "evil\u001b]0;owned\u0007\u001b[2J\r\u009b31m\u202eexample.org:7000";
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(hostile));
        String message = refused.getMessage();
        assertTrue(message.startsWith("bad host in 'evil\uFFFD]0;owned\uFFFD\uFFFD[2J\uFFFD\uFFFD31m\uFFFDexample.org:7000'"),
                message);
        assertTrue(message.chars().allMatch(c -> c == '\uFFFD' || (c >= 0x20 && c < 0x7f)), message);
    }

    @Test
    void ipv6LiteralsAndNamesStillParseAndPrintAsBefore() {
        assertEquals("[::1]:7000", HostPort.parse("[::1]:7000").toString());
        assertEquals(new HostPort("example.org", 443), HostPort.parse(" Example.ORG:443 "));
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("::1:7000"));
    }
}
