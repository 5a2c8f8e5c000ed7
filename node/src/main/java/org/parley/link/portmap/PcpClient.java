package org.parley.link.portmap;

import java.io.IOException;
import java.net.InetAddress;
import java.net.PortUnreachableException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import org.parley.link.HostPort;

/**
 * Maps a TCP port with PCP's MAP opcode (RFC 6887). Each mapping has its own random nonce, kept
 * for renewals and the deletion (the gateway ties the mapping to it, and an answer that does not
 * carry it is not ours). A renewal asks for the external address and port granted before.
 */
final class PcpClient implements PortMapper {
    private final GatewayChannels gateway;
    private final SecureRandom random;
    /** The nonce and the mapping of the last request that succeeded; null before the first. */
    private byte[] nonce;
    private PortMapping granted;
    private InetAddress grantedAddress;

    PcpClient(GatewayChannels gateway, SecureRandom random) {
        this.gateway = gateway;
        this.random = random;
    }

    @Override
    public Optional<PortMapping> map(int internalPort, Duration lifetime) throws IOException {
        Optional<GatewayChannel> opened = gateway.open();
        if (opened.isEmpty()) {
            return Optional.empty();
        }
        boolean renewal = granted != null && granted.internalPort() == internalPort;
        byte[] requestNonce = renewal ? nonce : newNonce();
        try (GatewayChannel channel = opened.get()) {
            byte[] request = PcpCodec.mapRequest(requestNonce, channel.localAddress(), lifetime.toSeconds(),
                    internalPort, renewal ? granted.external().port() : internalPort, renewal ? grantedAddress : null);
            Optional<PcpCodec.MapResponse> answer = Retransmission.exchange(channel, request,
                    datagram -> PcpCodec.decodeMapResponse(datagram, datagram.length, requestNonce, internalPort));
            if (answer.isEmpty()) {
                return Optional.empty();
            }
            PcpCodec.MapResponse response = answer.get();
            if (response.resultCode() == PcpCodec.RESULT_UNSUPPORTED_VERSION) {
                throw GatewayAnswerException.unsupportedVersion("the gateway does not speak this PCP version");
            }
            if (response.resultCode() != PcpCodec.RESULT_SUCCESS) {
                throw new GatewayAnswerException("PCP: the gateway refused: "
                        + PcpCodec.describe(response.resultCode()));
            }
            nonce = requestNonce;
            grantedAddress = response.externalAddress();
            granted = new PortMapping(MappingProtocol.PCP,
                    new HostPort(response.externalAddress().getHostAddress(), response.externalPort()), internalPort,
                    Duration.ofSeconds(response.lifetimeSeconds()));
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
        Optional<GatewayChannel> opened = gateway.open();
        if (opened.isEmpty()) {
            return;
        }
        byte[] deletionNonce = nonce;
        try (GatewayChannel channel = opened.get()) {
            byte[] request = PcpCodec.mapRequest(deletionNonce, channel.localAddress(), 0, mapping.internalPort(), 0,
                    null);
            Retransmission.exchange(channel, request, datagram -> PcpCodec.decodeMapResponse(datagram,
                    datagram.length, deletionNonce, mapping.internalPort()));
        } finally {
            granted = null;
            nonce = null;
        }
    }

    private byte[] newNonce() {
        byte[] fresh = new byte[PcpCodec.NONCE_LENGTH];
        random.nextBytes(fresh);
        return fresh;
    }
}
