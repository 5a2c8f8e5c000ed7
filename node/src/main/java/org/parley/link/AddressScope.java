package org.parley.link;

import java.util.Locale;

/**
 * Where an address leads: the open internet, or a network that only some can reach (this host,
 * one link, one organisation's private range). Worked out from the address text alone, never by
 * a name lookup: a host name other than {@code localhost} counts as public.
 */
public enum AddressScope {
    PUBLIC,
    /** 127.0.0.0/8, ::1, localhost. */
    LOOPBACK,
    /** 169.254.0.0/16, fe80::/10. */
    LINK_LOCAL,
    /** 10.0.0.0/8 (RFC 1918). */
    PRIVATE_10,
    /** 172.16.0.0/12 (RFC 1918). */
    PRIVATE_172_16,
    /** 192.168.0.0/16 (RFC 1918). */
    PRIVATE_192_168,
    /** 100.64.0.0/10, carrier-grade NAT (RFC 6598). */
    SHARED_100_64,
    /** fc00::/7, IPv6 unique local addresses. */
    UNIQUE_LOCAL,
    /** 0.0.0.0/8 and ::, which name no host to dial. */
    UNSPECIFIED;

    public static AddressScope of(HostPort address) {
        String host = address.host().toLowerCase(Locale.ROOT);
        if (host.equals("localhost") || host.endsWith(".localhost")) {
            return LOOPBACK;
        }
        int[] v4 = ipv4(host);
        if (v4 != null) {
            return ofIpv4(v4);
        }
        if (host.contains(":")) {
            return ofIpv6(host);
        }
        return PUBLIC;
    }

    private static AddressScope ofIpv4(int[] a) {
        if (a[0] == 0) {
            return UNSPECIFIED;
        }
        if (a[0] == 127) {
            return LOOPBACK;
        }
        if (a[0] == 10) {
            return PRIVATE_10;
        }
        if (a[0] == 172 && a[1] >= 16 && a[1] <= 31) {
            return PRIVATE_172_16;
        }
        if (a[0] == 192 && a[1] == 168) {
            return PRIVATE_192_168;
        }
        if (a[0] == 169 && a[1] == 254) {
            return LINK_LOCAL;
        }
        if (a[0] == 100 && a[1] >= 64 && a[1] <= 127) {
            return SHARED_100_64;
        }
        return PUBLIC;
    }

    private static AddressScope ofIpv6(String host) {
        int zone = host.indexOf('%');
        String literal = zone < 0 ? host : host.substring(0, zone);
        int[] groups = ipv6(literal);
        if (groups == null) {
            return PUBLIC; // not an IPv6 literal; no dial will find it either
        }
        boolean zeroPrefix = true;
        for (int i = 0; i < 5; i++) {
            zeroPrefix &= groups[i] == 0;
        }
        if (zeroPrefix && groups[5] == 0xffff) { // ::ffff:a.b.c.d, an IPv4 address in IPv6 form
            return ofIpv4(new int[] {groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff});
        }
        if (zeroPrefix && groups[5] == 0 && groups[6] == 0 && groups[7] <= 1) {
            return groups[7] == 1 ? LOOPBACK : UNSPECIFIED;
        }
        if ((groups[0] & 0xffc0) == 0xfe80) {
            return LINK_LOCAL;
        }
        if ((groups[0] & 0xfe00) == 0xfc00) {
            return UNIQUE_LOCAL;
        }
        return PUBLIC;
    }

    /** The four octets of a dotted-decimal IPv4 literal, or null. */
    private static int[] ipv4(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        int[] octets = new int[4];
        for (int i = 0; i < 4; i++) {
            if (parts[i].isEmpty() || parts[i].length() > 3 || !parts[i].chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            octets[i] = Integer.parseInt(parts[i]);
            if (octets[i] > 255) {
                return null;
            }
        }
        return octets;
    }

    /** The eight 16-bit groups of an IPv6 literal (with {@code ::} and a dotted IPv4 tail), or null. */
    private static int[] ipv6(String literal) {
        String text = literal;
        int[] tail = null;
        int lastColon = text.lastIndexOf(':');
        if (lastColon >= 0 && text.indexOf('.', lastColon) > 0) {
            int[] v4 = ipv4(text.substring(lastColon + 1));
            if (v4 == null) {
                return null;
            }
            tail = new int[] {v4[0] << 8 | v4[1], v4[2] << 8 | v4[3]};
            text = text.substring(0, lastColon + 1) + "0:0";
        }
        int gap = text.indexOf("::");
        if (gap != text.lastIndexOf("::")) {
            return null;
        }
        String[] head = gap < 0 ? text.split(":", -1) : split(text.substring(0, gap));
        String[] rest = gap < 0 ? new String[0] : split(text.substring(gap + 2));
        if (gap < 0 ? head.length != 8 : head.length + rest.length > 7) {
            return null;
        }
        int[] groups = new int[8];
        if (!parseGroups(head, groups, 0) || !parseGroups(rest, groups, 8 - rest.length)) {
            return null;
        }
        if (tail != null) {
            groups[6] = tail[0];
            groups[7] = tail[1];
        }
        return groups;
    }

    private static String[] split(String part) {
        return part.isEmpty() ? new String[0] : part.split(":", -1);
    }

    private static boolean parseGroups(String[] parts, int[] groups, int from) {
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 4
                    || !part.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                return false;
            }
            groups[from + i] = Integer.parseInt(part, 16);
        }
        return true;
    }
}
