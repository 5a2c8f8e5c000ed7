package org.parley.link;

import java.util.Locale;

/** A {@code host:port} network address ({@code [v6]:port} for IPv6 literals). */
public record HostPort(String host, int port) {
    public HostPort {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("address has no host");
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
        String input = text == null ? "" : text.strip();
        int colon = input.lastIndexOf(':');
        if (colon <= 0 || colon == input.length() - 1) {
            throw new IllegalArgumentException("expected host:port, got '" + input + "'");
        }
        String host = input.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("write an IPv6 address as [addr]:port, got '" + input + "'");
        }
        if (host.isEmpty() || !host.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c)
                || c == '.' || c == '-' || c == ':' || c == '%'))) {
            throw new IllegalArgumentException("bad host in '" + input + "'");
        }
        int port;
        try {
            port = Integer.parseInt(input.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in '" + input + "'");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range in '" + input + "'");
        }
        return new HostPort(host.toLowerCase(Locale.ROOT), port);
    }

    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
