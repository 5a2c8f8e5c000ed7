package org.parley.link.portmap;

import java.time.Duration;
import org.parley.link.HostPort;

/**
 * A TCP port mapping a router granted: connections to {@code external} reach this host's
 * {@code internalPort} until the lifetime runs out, unless renewed.
 *
 * @param external the router's public address and the port it opened there, as the router tells it
 * @param lifetime how long the router keeps it from when it answered; zero for a mapping that
 *     stays until removed (some UPnP routers grant only those)
 */
public record PortMapping(MappingProtocol protocol, HostPort external, int internalPort, Duration lifetime) {
    public PortMapping {
        if (internalPort < 1 || internalPort > 65_535 || external.port() < 1) {
            throw new IllegalArgumentException("mapping of port " + internalPort + " to " + external);
        }
        if (lifetime.isNegative()) {
            throw new IllegalArgumentException("negative lifetime " + lifetime);
        }
    }
}
