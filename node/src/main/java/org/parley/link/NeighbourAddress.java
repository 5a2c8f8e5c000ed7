package org.parley.link;

import java.util.Optional;
import org.parley.proto.wire.v1.Hello;

/** Where a neighbour is, as the link table shows it and redials it. */
final class NeighbourAddress {
    /** Announced addresses beyond this many are ignored: nobody needs more, and they cost memory. */
    static final int MAX_ANNOUNCED = 8;

    private NeighbourAddress() {
    }

    /**
     * The address to show for and reach a neighbour: the one we dialed, else the first address it
     * announced, with the host we see it from when it announced a wildcard host.
     */
    static String of(Link link, Hello hello) {
        if (link.relay().isPresent()) {
            // Neither our circuit's relay address nor a private peer's announcement is where it can be dialled.
            return "via " + link.relay().get();
        }
        Optional<DialTarget> dialed = link.dialTarget();
        if (dialed.isPresent()) {
            return dialed.get().address().toString();
        }
        return hello.getListenAddressesList().stream()
                .limit(MAX_ANNOUNCED)
                .map(announced -> reachable(announced, link.remoteAddress()))
                .flatMap(Optional::stream)
                .findFirst()
                .orElse(link.remoteAddress());
    }

    private static Optional<String> reachable(String announced, String observed) {
        HostPort address;
        try {
            address = HostPort.parse(announced);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (address.port() == 0) {
            return Optional.empty();
        }
        if (address.host().equals("0.0.0.0") || address.host().equals("::")) {
            try {
                return Optional.of(new HostPort(HostPort.parse(observed).host(), address.port()).toString());
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        return Optional.of(address.toString());
    }
}
