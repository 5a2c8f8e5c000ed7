package org.parley.api;

/**
 * A connected neighbour.
 *
 * @param address where the peer accepts links (as dialed, or as it announced)
 * @param direction {@code "inbound"} when the peer dialed us, {@code "outbound"} when we dialed it
 * @param connectedAt when the link was established, in milliseconds since the epoch
 * @param agent the software the peer says it runs, for diagnostics only
 */
public record PeerView(String peerId, String address, String direction, long connectedAt, String agent) {
}
