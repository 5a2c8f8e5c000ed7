package org.parley.link.relay;

import java.util.function.Predicate;
import org.parley.identity.PeerId;
import org.parley.link.Neighbours;
import org.parley.link.Network;
import org.parley.runtime.Clock;

/**
 * A {@link Network} that carries relayed links: it serves circuits for neighbours (the relay's
 * side, decided by {@link CircuitRelay}) and opens the answering end of a circuit a relay offered
 * us (the private node's side, asked for by {@link RelayClient}). Dialling through a relay is an
 * ordinary {@link Network#dial} of a relayed {@link org.parley.link.DialTarget}. The TLS network
 * splices gRPC streams; the in-memory network splices its in-process links.
 */
public interface CircuitTransport extends Network {
    /**
     * Relays circuits for neighbours from now on, within {@code limits} (or refuses them all, with
     * relaying off). The returned relay must hear the link layer's events: reservations ride on links.
     */
    CircuitRelay<?> serveRelay(Neighbours links, Predicate<PeerId> banned, Clock clock, RelayLimits limits);

    /** Opens the answering end of {@code circuit}, which {@code relay} (reached at {@code relayAddress}) offered us. */
    void answerCircuit(PeerId relay, String relayAddress, long circuit, PeerId from);
}
