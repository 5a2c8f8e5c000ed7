package org.parley.link.tls;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.parley.identity.PeerId;
import org.parley.link.HostPort;
import org.parley.link.LinkPath;

/**
 * Where a connection to our link server on Netty's local transport really comes from: a relay's
 * circuit we answered, or a punched TCP connection. The link server serves only local connections
 * we opened ourselves, each registered with its origin before its first byte is read.
 *
 * @param remoteAddress what the link reports as its remote address
 * @param relay the relay of a circuit
 * @param expectedPeer who must prove itself on a punched connection (a circuit's dialler is whoever proves itself)
 * @param observedThroughRelay where the circuit's relay said it sees the peer
 * @param linked set once the link server took the connection's link
 */
record LocalOrigin(String remoteAddress, Optional<PeerId> relay, Optional<PeerId> expectedPeer, LinkPath path,
                   Supplier<Optional<HostPort>> observedThroughRelay, AtomicBoolean linked) {
    static LocalOrigin circuit(PeerId relay, Supplier<Optional<HostPort>> observedThroughRelay) {
        return new LocalOrigin("via " + relay, Optional.of(relay), Optional.empty(), LinkPath.RELAYED,
                observedThroughRelay, new AtomicBoolean());
    }

    static LocalOrigin punched(PeerId peer, String remoteAddress) {
        return new LocalOrigin(remoteAddress, Optional.empty(), Optional.of(peer), LinkPath.HOLE_PUNCHED,
                Optional::empty, new AtomicBoolean());
    }
}
