package org.parley.link;

import java.util.Locale;

/**
 * A {@code host:port} network address ({@code [v6]:port} for IPv6 literals). A host is at most
 * {@link #MAX_HOST} characters, the longest DNS name: addresses come from peers (records, dial-back
 * requests, relays), and one of any length would be kept, logged and shown.
 */
public record HostPort(String host, int port) {
    public static final int MAX_HOST = 253;
    /** How much of a refused text an error quotes: enough to recognise it, never a peer's whole megabyte. */
    private static final int QUOTED = 80;

    public HostPort {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("address has no host");
        }
        if (host.length() > MAX_HOST) {
            throw new IllegalArgumentException("host of " + host.length() + " characters, longer than " + MAX_HOST);
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /**
     * Parses {@code host:port}.
     *
     * @throws IllegalArgumentException with a message fit for the user
     */
    public static HostPort parse(String text) {
        String whole = text == null ? "" : text.strip();
        String input = quoted(whole);
        int colon = whole.lastIndexOf(':');
        if (colon <= 0 || colon == whole.length() - 1) {
            throw new IllegalArgumentException("expected host:port, got '" + input + "'");
        }
        String host = whole.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("write an IPv6 address as [addr]:port, got '" + input + "'");
        }
        if (host.length() > MAX_HOST) {
            throw new IllegalArgumentException("host of " + host.length() + " characters in '" + input
                    + "', longer than " + MAX_HOST);
        }
        if (host.isEmpty() || !host.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c)
                || c == '.' || c == '-' || c == ':' || c == '%'))) {
            throw new IllegalArgumentException("bad host in '" + input + "'");
        }
        int port;
        try {
            port = Integer.parseInt(whole.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in '" + input + "'");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range in '" + input + "'");
        }
        return new HostPort(host.toLowerCase(Locale.ROOT), port);
    }

    /**
     * The start of a refused text, as an error may quote it. Errors reach logs and terminals, and an
     * address is printable ASCII, so anything else a peer put in (escape sequences, controls, other
     * scripts that could pose as a different address) shows as U+FFFD.
     */
    private static String quoted(String whole) {
        String start = whole.length() <= QUOTED ? whole : whole.substring(0, QUOTED);
        StringBuilder quoted = new StringBuilder(start.length() + 3);
        start.chars().forEach(c -> quoted.append(c >= 0x20 && c < 0x7f ? (char) c : '\uFFFD'));
        return whole.length() <= QUOTED ? quoted.toString() : quoted.append("...").toString();
    }

    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
