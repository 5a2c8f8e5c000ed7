package org.parley.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AddressScopeTest {
    @Test
    void addressesFallIntoTheirScopes() {
        Map<String, AddressScope> expected = Map.ofEntries(
                Map.entry("127.0.0.1:1", AddressScope.LOOPBACK),
                Map.entry("127.255.0.9:1", AddressScope.LOOPBACK),
                Map.entry("localhost:1", AddressScope.LOOPBACK),
                Map.entry("[::1]:1", AddressScope.LOOPBACK),
                Map.entry("[0:0:0:0:0:0:0:1]:1", AddressScope.LOOPBACK),
                Map.entry("[::ffff:127.0.0.1]:1", AddressScope.LOOPBACK),
                Map.entry("10.0.0.1:1", AddressScope.PRIVATE_10),
                Map.entry("[::ffff:10.1.1.1]:1", AddressScope.PRIVATE_10),
                Map.entry("172.16.0.1:1", AddressScope.PRIVATE_172_16),
                Map.entry("172.31.255.255:1", AddressScope.PRIVATE_172_16),
                Map.entry("172.32.0.1:1", AddressScope.PUBLIC),
                Map.entry("192.168.0.1:1", AddressScope.PRIVATE_192_168),
                Map.entry("169.254.169.254:1", AddressScope.LINK_LOCAL),
                Map.entry("[fe80::1%eth0]:1", AddressScope.LINK_LOCAL),
                Map.entry("[febf::1]:1", AddressScope.LINK_LOCAL),
                Map.entry("100.64.0.1:1", AddressScope.SHARED_100_64),
                Map.entry("100.127.255.1:1", AddressScope.SHARED_100_64),
                Map.entry("[fc00::1]:1", AddressScope.UNIQUE_LOCAL),
                Map.entry("[fdff::1]:1", AddressScope.UNIQUE_LOCAL),
                Map.entry("0.0.0.0:1", AddressScope.UNSPECIFIED),
                Map.entry("[::]:1", AddressScope.UNSPECIFIED),
                Map.entry("198.51.100.1:1", AddressScope.PUBLIC),
                Map.entry("203.0.113.1:1", AddressScope.PUBLIC),
                Map.entry("192.0.2.1:1", AddressScope.PUBLIC),
                Map.entry("8.8.8.8:1", AddressScope.PUBLIC),
                Map.entry("[2001:db8::1]:1", AddressScope.PUBLIC),
                Map.entry("[fec0::1]:1", AddressScope.PUBLIC),
                Map.entry("peer.example:1", AddressScope.PUBLIC),
                Map.entry("10.0.0.256:1", AddressScope.PUBLIC),
                Map.entry("[::ffff:1.2.3]:1", AddressScope.PUBLIC),
                Map.entry("[1:2:3:4:5:6:7:8:9]:1", AddressScope.PUBLIC));
        expected.forEach((text, scope) -> assertEquals(scope, AddressScope.of(HostPort.parse(text)), text));
    }
}
