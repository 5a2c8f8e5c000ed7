package org.parley.overlay.dht;

import com.google.common.net.InetAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.Locale;
import org.parley.link.HostPort;

/**
 * The network block an address belongs to, for Sybil limits: an IPv4 /24 or an IPv6 /64, the
 * smallest blocks one operator usually controls in full. Identities are free to make, but
 * addresses in many blocks are not, so capping contacts per block bounds how much of a routing
 * table one operator can fill. A host name is not resolved (that would be I/O here); the name
 * itself is its block, so one name still counts as one operator.
 */
record NetworkPrefix(String value) {
    static NetworkPrefix of(HostPort address) {
        String host = address.host();
        if (!InetAddresses.isInetAddress(host)) {
            return new NetworkPrefix("name:" + host.toLowerCase(Locale.ROOT));
        }
        // forString parses literals only and never touches DNS; it maps ::ffff:a.b.c.d to IPv4.
        InetAddress ip = InetAddresses.forString(host);
        byte[] raw = ip.getAddress();
        if (ip instanceof Inet4Address) {
            return new NetworkPrefix("v4:" + (raw[0] & 0xff) + "." + (raw[1] & 0xff) + "." + (raw[2] & 0xff));
        }
        return new NetworkPrefix("v6:" + HexFormat.of().formatHex(raw, 0, 8));
    }
}
