package org.parley.api;

/**
 * A connected neighbour.
 *
 * @param address where the peer accepts links (as dialed, or as it announced); {@code "via RELAY"}
 *                for a relayed link
 * @param direction {@code "inbound"} when the peer dialed us, {@code "outbound"} when we dialed it
 * @param connectedAt when the link was established, in milliseconds since the epoch
 * @param agent the software the peer says it runs, for diagnostics only
 * @param path {@code "direct"}, {@code "relayed"} or {@code "hole-punched"}: how the link's bytes travel
 * @param relay the peer ID of the relay splicing a relayed link; null otherwise
 */
public record PeerView(String peerId, String address, String direction, long connectedAt, String agent,
                       String path, String relay) {
    /** A direct link. */
    public PeerView(String peerId, String address, String direction, long connectedAt, String agent) {
        this(peerId, address, direction, connectedAt, agent, "direct", null);
    }
}
