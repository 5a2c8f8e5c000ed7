package org.parley.link.portmap;

/** How a port mapping was asked of the router. */
public enum MappingProtocol {
    /** UPnP Internet Gateway Device: SSDP discovery, then SOAP over HTTP to the router. */
    UPNP("upnp"),
    /** NAT Port Mapping Protocol (RFC 6886): one UDP exchange with the default gateway. */
    NAT_PMP("nat-pmp"),
    /** Port Control Protocol (RFC 6887), NAT-PMP's successor on the same port. */
    PCP("pcp");

    private final String label;

    MappingProtocol(String label) {
        this.label = label;
    }

    /** As {@code status --json} prints it. */
    public String label() {
        return label;
    }
}
