package org.parley.link.portmap;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Asks the router in front of this host to forward a TCP port to it: the seam between the logic
 * that keeps a mapping ({@link PortMappingKeeper}) and the protocols that talk to routers.
 * Blocking: called from one worker thread at a time, never from the node's loop.
 */
public interface PortMapper {
    /**
     * Maps {@code internalPort}, or renews the mapping made before for it.
     *
     * @return the mapping; empty when no router here speaks the protocol
     * @throws IOException when a router answered but refused, or the exchange failed
     */
    Optional<PortMapping> map(int internalPort, Duration lifetime) throws IOException;

    /** Removes a mapping {@link #map} made. */
    void unmap(PortMapping mapping) throws IOException;
}
