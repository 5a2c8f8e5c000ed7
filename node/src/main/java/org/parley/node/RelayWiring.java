package org.parley.node;

import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.link.LinkManager;
import org.parley.link.LinkPath;
import org.parley.link.Network;
import org.parley.link.PeerInfo;
import org.parley.link.punch.HolePunch;
import org.parley.link.punch.PunchConfig;
import org.parley.link.relay.CircuitRelay;
import org.parley.link.relay.RelayChoice;
import org.parley.link.relay.RelayClient;
import org.parley.link.relay.RelayFrames;
import org.parley.link.relay.RelayLimits;
import org.parley.link.tls.TlsGrpcNetwork;
import org.parley.overlay.discovery.Discovery;
import org.parley.runtime.Clock;
import org.parley.runtime.Rng;
import org.parley.runtime.Scheduler;

/**
 * Relayed links in a node: on the TLS network, it relays circuits for neighbours within the
 * node's limits, keeps reservations (named in the node's record) while the node cannot be dialled,
 * lets the reacher dial peers through the relays their records name, and punches holes to move
 * relayed links to direct ones. Other networks (the
 * in-memory one) carry no circuits, and get none of it.
 */
final class RelayWiring {
    private final RelayClient client;

    private RelayWiring(RelayClient client) {
        this.client = client;
    }

    /**
     * @param isPrivate whether the node needs relays; for now, whether it announces no address
     */
    static RelayWiring attach(PeerId self, Network network, LinkManager links, Scheduler loop, Clock clock, Rng rng,
                              RelayLimits limits, Discovery discovery, PeerReacher reacher, BooleanSupplier isPrivate) {
        if (!(network instanceof TlsGrpcNetwork tls)) {
            return new RelayWiring(null);
        }
        CircuitRelay<?> serving = tls.serveRelay(links, links::isBanned, clock, limits);
        links.addListener(serving);
        RelayClient client = new RelayClient(links, loop, RelayChoice.defaults(), isPrivate,
                discovery::announceLinkRelays, tls::answerCircuit);
        links.addListener(client);
        links.addFrameHandler(new RelayFrames(serving, client));
        reacher.reachRelaysAt(relay -> addressOf(relay, links, discovery));
        // Peers linked through a relay try to punch a direct link; the circuit's dialler falls back to it.
        links.addLayer(new HolePunch(self, links, tls, links::observedThroughRelay, links::listenAddresses, loop,
                clock, rng, PunchConfig.defaults(), (peer, relay) -> addressOf(relay, links, discovery)
                        .ifPresent(address -> links.dialOnce(DialTarget.peerVia(peer, relay, address)))));
        return new RelayWiring(client);
    }

    /** Where to reach a relay: the address of our direct link to it, else the first its record gives. */
    private static Optional<HostPort> addressOf(PeerId relay, LinkManager links, Discovery discovery) {
        for (PeerInfo peer : links.connectedPeers()) {
            if (peer.peerId().equals(relay) && peer.path() == LinkPath.DIRECT) {
                try {
                    return Optional.of(HostPort.parse(peer.address()));
                } catch (IllegalArgumentException notDialable) {
                    break;
                }
            }
        }
        return discovery.recordOf(relay).flatMap(record -> record.addresses().stream().findFirst());
    }

    /** Starts keeping reservations; on the loop. */
    void start() {
        if (client != null) {
            client.start();
        }
    }
}
