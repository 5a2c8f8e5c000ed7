package org.parley.link.portmap;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The IPv4 default gateway, where NAT-PMP and PCP requests go. Read from Linux's routing table
 * ({@code /proc/net/route}); elsewhere there is none to read, and only UPnP (which finds its
 * router by multicast) is tried.
 */
final class DefaultGateway {
    private static final Path ROUTES = Path.of("/proc/net/route");
    /** RTF_UP | RTF_GATEWAY. */
    private static final int UP_GATEWAY = 0x3;

    private DefaultGateway() {
    }

    static Optional<InetAddress> find() {
        try {
            return Files.isReadable(ROUTES) ? parse(Files.readString(ROUTES)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The gateway of the first default route in a {@code /proc/net/route} table. */
    static Optional<InetAddress> parse(String table) {
        for (String line : table.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 4 || !fields[1].equals("00000000")) {
                continue;
            }
            try {
                int flags = Integer.parseInt(fields[3], 16);
                long gateway = Long.parseLong(fields[2], 16);
                if ((flags & UP_GATEWAY) != UP_GATEWAY || gateway == 0 || fields[2].length() != 8) {
                    continue;
                }
                // The kernel prints the address as the machine holds it in memory: in its own byte order.
                int value = (int) gateway;
                if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
                    value = Integer.reverseBytes(value);
                }
                byte[] address = ByteBuffer.allocate(4).putInt(value).array();
                return Optional.of((Inet4Address) InetAddress.getByAddress(address));
            } catch (NumberFormatException | UnknownHostException e) {
                // not a route line
            }
        }
        return Optional.empty();
    }
}
