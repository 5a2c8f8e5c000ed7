package org.parley.link.portmap;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;

/**
 * What the UPnP client needs from the network: an SSDP search on the LAN and plain HTTP to the
 * router. The seam tests replace with a scripted router.
 */
interface UpnpTransport {
    /** Longest description or SOAP answer read from a router; more is refused. */
    int MAX_BODY = 64 * 1024;

    /** Answers to an SSDP search for Internet gateway devices, as they came within the search's wait. */
    List<SsdpReply> search() throws IOException;

    /** GETs {@code url}; a body longer than {@link #MAX_BODY} throws. */
    HttpReply get(URI url) throws IOException;

    /** POSTs a SOAP request for {@code action} (the SOAPAction header's value, without quotes). */
    HttpReply post(URI url, String action, String body) throws IOException;

    /** This host's address on the way to {@code device}: the internal client a mapping forwards to. */
    InetAddress localAddressToward(InetAddress device) throws IOException;

    /** One datagram answering the search: who sent it, and its text. */
    record SsdpReply(InetAddress from, String text) {
    }

    record HttpReply(int status, String body) {
    }
}
