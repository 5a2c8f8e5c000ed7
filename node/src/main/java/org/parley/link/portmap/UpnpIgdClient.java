package org.parley.link.portmap;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import org.parley.link.HostPort;

/**
 * Maps a TCP port through a UPnP Internet Gateway Device: finds the router by SSDP, reads its
 * description for the WANIPConnection (or WANPPPConnection) service, asks its external address,
 * then AddPortMapping. The router is only believed where it answered from: its description must
 * come from the address that answered the search, and its control URL lead back to it.
 */
final class UpnpIgdClient implements PortMapper {
    private static final Logger LOG = Logger.getLogger(UpnpIgdClient.class.getName());
    /** What the router lists as the mapping's owner. */
    static final String DESCRIPTION = "Parley";
    /** UPnP errors (WANIPConnection v1/v2). */
    static final int CONFLICT_IN_MAPPING_ENTRY = 718;
    static final int ONLY_PERMANENT_LEASES_SUPPORTED = 725;

    private final UpnpTransport transport;
    private UpnpXml.ControlPoint router;
    private PortMapping granted;

    UpnpIgdClient(UpnpTransport transport) {
        this.transport = transport;
    }

    @Override
    public Optional<PortMapping> map(int internalPort, Duration lifetime) throws IOException {
        if (router == null) {
            Optional<UpnpXml.ControlPoint> found = discover();
            if (found.isEmpty()) {
                return Optional.empty();
            }
            router = found.get();
        }
        try {
            return Optional.of(addMapping(internalPort, lifetime));
        } catch (IOException e) {
            router = null; // found again next time: the router may have moved or restarted
            throw e;
        }
    }

    @Override
    public void unmap(PortMapping mapping) throws IOException {
        if (router == null || granted == null || !granted.equals(mapping)) {
            return;
        }
        granted = null;
        call("DeletePortMapping", List.of(
                new String[] {"NewRemoteHost", ""},
                new String[] {"NewExternalPort", Integer.toString(mapping.external().port())},
                new String[] {"NewProtocol", "TCP"}));
    }

    private PortMapping addMapping(int internalPort, Duration lifetime) throws IOException {
        String externalAddress = UpnpXml.value(call("GetExternalIPAddress", List.of()), "NewExternalIPAddress")
                .map(String::strip).orElse("");
        if (!externalAddress.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
            throw new IOException("UPnP: the router told no usable external address ('" + clip(externalAddress) + "')");
        }
        InetAddress device = InetAddress.getByName(router.controlUrl().getHost());
        String internalClient = transport.localAddressToward(device).getHostAddress();
        int externalPort = granted != null && granted.internalPort() == internalPort
                ? granted.external().port() : internalPort;
        long lease = lifetime.toSeconds();
        for (int attempt = 0; ; attempt++) {
            UpnpTransport.HttpReply reply = post("AddPortMapping", List.of(
                    new String[] {"NewRemoteHost", ""},
                    new String[] {"NewExternalPort", Integer.toString(externalPort)},
                    new String[] {"NewProtocol", "TCP"},
                    new String[] {"NewInternalPort", Integer.toString(internalPort)},
                    new String[] {"NewInternalClient", internalClient},
                    new String[] {"NewEnabled", "1"},
                    new String[] {"NewPortMappingDescription", DESCRIPTION},
                    new String[] {"NewLeaseDuration", Long.toString(lease)}));
            Optional<UpnpXml.Fault> fault = reply.body().isBlank() ? Optional.empty() : UpnpXml.fault(reply.body());
            if (reply.status() == 200 && fault.isEmpty()) {
                break;
            }
            if (fault.isEmpty()) {
                throw new IOException("UPnP AddPortMapping: HTTP " + reply.status());
            }
            int code = fault.get().code();
            if (code == ONLY_PERMANENT_LEASES_SUPPORTED && lease != 0) {
                lease = 0; // the mapping then stays until we remove it, which we do on shutdown
            } else if (code == CONFLICT_IN_MAPPING_ENTRY && attempt < 3) {
                externalPort = externalPort == 65_535 ? 1024 : externalPort + 1; // taken by another host: the next one
            } else {
                throw new IOException("UPnP: the router refused the mapping: " + code + " "
                        + clip(fault.get().description()));
            }
        }
        granted = new PortMapping(MappingProtocol.UPNP, new HostPort(externalAddress, externalPort), internalPort,
                Duration.ofSeconds(lease));
        return granted;
    }

    /** The first router that answered the search with a description we can use. */
    private Optional<UpnpXml.ControlPoint> discover() throws IOException {
        for (UpnpTransport.SsdpReply reply : transport.search()) {
            Optional<String> location = UpnpXml.header(reply.text(), "location");
            if (!reply.text().startsWith("HTTP/1.1 200") || location.isEmpty()) {
                continue;
            }
            URI url;
            try {
                url = new URI(location.get());
            } catch (URISyntaxException e) {
                LOG.fine(() -> "SSDP answer from " + reply.from() + " with a bad location");
                continue;
            }
            if (!"http".equals(url.getScheme()) || url.getHost() == null
                    || !reply.from().getHostAddress().equals(url.getHost())) {
                // Fetching a description from anywhere else would let any LAN host point us at a third party.
                LOG.fine(() -> "SSDP answer from " + reply.from() + " names another host: " + clip(location.get()));
                continue;
            }
            UpnpTransport.HttpReply description = transport.get(url);
            if (description.status() != 200) {
                continue;
            }
            Optional<UpnpXml.ControlPoint> point = UpnpXml.controlPoint(description.body(), url);
            if (point.isPresent()) {
                return point;
            }
        }
        return Optional.empty();
    }

    /** Calls {@code action}; the answer's body, or an exception with the router's fault. */
    private String call(String action, List<String[]> arguments) throws IOException {
        UpnpTransport.HttpReply reply = post(action, arguments);
        if (reply.status() != 200) {
            Optional<UpnpXml.Fault> fault = reply.body().isEmpty() ? Optional.empty() : UpnpXml.fault(reply.body());
            throw new IOException("UPnP " + action + ": HTTP " + reply.status()
                    + fault.map(f -> ", error " + f.code() + " " + clip(f.description())).orElse(""));
        }
        return reply.body();
    }

    private UpnpTransport.HttpReply post(String action, List<String[]> arguments) throws IOException {
        return transport.post(router.controlUrl(), router.serviceType() + "#" + action,
                UpnpXml.request(router.serviceType(), action, arguments));
    }

    private static String clip(String text) {
        String printable = text.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 80 ? printable.substring(0, 80) + "..." : printable;
    }
}
