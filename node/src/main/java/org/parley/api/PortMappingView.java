package org.parley.api;

/**
 * The port mapping the router holds for this node ({@code parley status --json}'s {@code portMapping}).
 *
 * @param protocol how it was asked: "upnp", "nat-pmp" or "pcp"
 * @param external the router's public address and the port it forwards to us, as the router tells it
 */
public record PortMappingView(String protocol, String external) {
}
