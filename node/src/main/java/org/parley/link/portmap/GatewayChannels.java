package org.parley.link.portmap;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Optional;

/** Opens a channel to the gateway's NAT-PMP/PCP port; empty when this host has no gateway to ask. */
interface GatewayChannels {
    Optional<GatewayChannel> open() throws IOException;

    /** The default gateway over UDP. */
    static GatewayChannels defaultGateway() {
        return () -> {
            Optional<InetAddress> gateway = DefaultGateway.find();
            return gateway.isEmpty() ? Optional.empty() : Optional.of(UdpGatewayChannel.open(gateway.get()));
        };
    }
}
