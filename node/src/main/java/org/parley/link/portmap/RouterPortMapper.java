package org.parley.link.portmap;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Tries each protocol in turn until a router grants a mapping, then keeps to the one that did for
 * renewals and the removal. PCP goes first (a NAT-PMP-only router says at once that it speaks
 * another version), then NAT-PMP to the same port, then UPnP-IGD.
 */
public final class RouterPortMapper implements PortMapper {
    private final List<PortMapper> protocols;
    private PortMapper granting;

    RouterPortMapper(List<PortMapper> protocols) {
        this.protocols = List.copyOf(protocols);
    }

    /** PCP, NAT-PMP and UPnP-IGD on this host's network. */
    public static RouterPortMapper onThisNetwork(SecureRandom random) {
        GatewayChannels gateway = GatewayChannels.defaultGateway();
        return new RouterPortMapper(List.of(new PcpClient(gateway, random), new NatPmpClient(gateway),
                new UpnpIgdClient(new UpnpNetwork())));
    }

    @Override
    public Optional<PortMapping> map(int internalPort, Duration lifetime) throws IOException {
        if (granting != null) {
            Optional<PortMapping> renewed = granting.map(internalPort, lifetime);
            if (renewed.isPresent()) {
                return renewed;
            }
            granting = null; // its router is gone: look again
        }
        List<String> refusals = new ArrayList<>();
        for (PortMapper protocol : protocols) {
            try {
                Optional<PortMapping> mapping = protocol.map(internalPort, lifetime);
                if (mapping.isPresent()) {
                    granting = protocol;
                    return mapping;
                }
            } catch (IOException e) {
                refusals.add(e.getMessage());
            }
        }
        if (!refusals.isEmpty()) {
            throw new IOException(String.join("; ", refusals));
        }
        return Optional.empty();
    }

    @Override
    public void unmap(PortMapping mapping) throws IOException {
        if (granting != null) {
            granting.unmap(mapping);
        }
    }
}
