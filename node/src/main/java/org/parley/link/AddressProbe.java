package org.parley.link;

import java.util.function.Consumer;
import org.parley.identity.PeerId;

/**
 * Dials an address once to learn whether a given peer answers there, without making a link: the
 * transport's handshake must prove the expected peer ID, then the connection is closed. Reachability
 * checks dial back through it, so the peer being checked sees no second link appear beside the one
 * it asked on.
 */
public interface AddressProbe {
    /** Calls {@code done} once, on the node's scheduler: true when {@code expected} proved itself at {@code address}. */
    void probe(PeerId expected, HostPort address, Consumer<Boolean> done);
}
