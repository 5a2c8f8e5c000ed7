package org.parley.link.portmap;

import java.io.IOException;
import java.net.PortUnreachableException;
import java.time.Duration;
import java.util.Optional;
import org.parley.link.HostPort;

/**
 * Maps a TCP port with NAT-PMP (RFC 6886): asks the gateway its public address, then for the
 * mapping, suggesting the port granted before (or the internal one). Removal asks for lifetime 0.
 */
final class NatPmpClient implements PortMapper {
    private final GatewayChannels gateway;
    private PortMapping granted;

    NatPmpClient(GatewayChannels gateway) {
        this.gateway = gateway;
    }

    @Override
    public Optional<PortMapping> map(int internalPort, Duration lifetime) throws IOException {
        Optional<GatewayChannel> opened = gateway.open();
        if (opened.isEmpty()) {
            return Optional.empty();
        }
        try (GatewayChannel channel = opened.get()) {
            Optional<NatPmpCodec.AddressResponse> address = Retransmission.exchange(channel,
                    NatPmpCodec.externalAddressRequest(),
                    datagram -> NatPmpCodec.decodeAddressResponse(datagram, datagram.length));
            if (address.isEmpty()) {
                return Optional.empty();
            }
            refusedUnless(address.get().resultCode());
            int suggested = granted != null && granted.internalPort() == internalPort
                    ? granted.external().port() : internalPort;
            Optional<NatPmpCodec.MapResponse> mapped = Retransmission.exchange(channel,
                    NatPmpCodec.mapTcpRequest(internalPort, suggested, lifetime.toSeconds()),
                    datagram -> NatPmpCodec.decodeMapResponse(datagram, datagram.length, internalPort));
            if (mapped.isEmpty()) {
                throw new IOException("NAT-PMP: the gateway told its address but did not answer the mapping request");
            }
            refusedUnless(mapped.get().resultCode());
            granted = new PortMapping(MappingProtocol.NAT_PMP,
                    new HostPort(address.get().address().getHostAddress(), mapped.get().externalPort()), internalPort,
                    Duration.ofSeconds(mapped.get().lifetimeSeconds()));
            return Optional.of(granted);
        } catch (PortUnreachableException nobodyListens) {
            return Optional.empty();
        }
    }

    @Override
    public void unmap(PortMapping mapping) throws IOException {
        if (granted == null || !granted.equals(mapping)) {
            return;
        }
        granted = null;
        Optional<GatewayChannel> opened = gateway.open();
        if (opened.isEmpty()) {
            return;
        }
        try (GatewayChannel channel = opened.get()) {
            Retransmission.exchange(channel, NatPmpCodec.mapTcpRequest(mapping.internalPort(), 0, 0),
                    datagram -> NatPmpCodec.decodeMapResponse(datagram, datagram.length, mapping.internalPort()));
        }
    }

    private static void refusedUnless(int resultCode) throws GatewayAnswerException {
        if (resultCode == NatPmpCodec.RESULT_UNSUPPORTED_VERSION) {
            throw GatewayAnswerException.unsupportedVersion("NAT-PMP: the gateway does not speak version 0");
        }
        if (resultCode != NatPmpCodec.RESULT_SUCCESS) {
            throw new GatewayAnswerException("NAT-PMP: the gateway refused: " + NatPmpCodec.describe(resultCode));
        }
    }
}
