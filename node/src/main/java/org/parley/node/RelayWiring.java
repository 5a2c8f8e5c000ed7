package org.parley.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.link.HolePuncher;
import org.parley.link.LinkManager;
import org.parley.link.LinkPath;
import org.parley.link.Network;
import org.parley.link.PeerInfo;
import org.parley.link.punch.HolePunch;
import org.parley.link.punch.PunchConfig;
import org.parley.link.punch.PunchTally;
import org.parley.link.relay.CircuitRelay;
import org.parley.link.relay.CircuitTransport;
import org.parley.link.relay.RelayChoice;
import org.parley.link.relay.RelayClient;
import org.parley.link.relay.RelayFrames;
import org.parley.link.relay.RelayLimits;
import org.parley.overlay.discovery.Discovery;
import org.parley.overlay.record.PeerRecord;
import org.parley.runtime.Clock;
import org.parley.runtime.Rng;
import org.parley.runtime.Scheduler;

/**
 * Relayed links in a node: on a network that carries circuits (TLS, and the in-memory one), it
 * relays circuits for neighbours within the node's limits, keeps reservations (named in the
 * node's record) while the node cannot be dialled, lets the reacher dial peers through the relays
 * their records name, and, where the network can punch, punches holes to move relayed links to
 * direct ones. A network without circuits gets none of it.
 */
final class RelayWiring {
    private final RelayClient client;
    /** Null where the network cannot punch. */
    private final HolePunch punch;

    private RelayWiring(RelayClient client, HolePunch punch) {
        this.client = client;
        this.punch = punch;
    }

    /** How often a relay that could not be dialled checks whether it can now, to tell its neighbours. */
    static final java.time.Duration DIALABLE_CHECK = java.time.Duration.ofSeconds(10);

    private static void offerWhenDialable(CircuitRelay<?> serving, Scheduler loop) {
        loop.schedule(DIALABLE_CHECK, () -> {
            serving.offerIfDialableNow();
            offerWhenDialable(serving, loop);
        });
    }

    /**
     * @param isPrivate whether the node needs relays; for now, whether it announces no address
     */
    static RelayWiring attach(PeerId self, Network network, LinkManager links, Scheduler loop, Clock clock, Rng rng,
                              RelayLimits limits, Discovery discovery, PeerReacher reacher, BooleanSupplier isPrivate) {
        if (!(network instanceof CircuitTransport circuits)) {
            return new RelayWiring(null, null);
        }
        CircuitRelay<?> serving = circuits.serveRelay(links, links::isBanned, clock, limits);
        serving.offerOnlyWhile(() -> !isPrivate.getAsBoolean());
        offerWhenDialable(serving, loop);
        links.addListener(serving);
        RelayClient client = new RelayClient(links, loop, RelayChoice.spread(RelayChoice.defaults().wanted(), rng),
                isPrivate, discovery::announceLinkRelays, circuits::answerCircuit);
        client.lookBeyondNeighbours(() -> publicPeers(discovery), links::dialOnce);
        links.addListener(client);
        links.addFrameHandler(new RelayFrames(serving, client));
        // A reservation lives as long as its link: neither side trims it away for having too many.
        discovery.spareLinksTo(peer -> serving.isReserved(peer) || client.relays().contains(peer));
        reacher.reachRelaysAt(relay -> addressOf(relay, links, discovery));
        // Peers linked through a relay try to punch a direct link; the circuit's dialler falls back to it.
        HolePunch punch = null;
        if (network instanceof HolePuncher puncher) {
            punch = new HolePunch(self, links, puncher, links::observedThroughRelay, links::listenAddresses,
                    loop, clock, rng, PunchConfig.defaults(), (peer, relay) -> addressOf(relay, links, discovery)
                            .ifPresent(address -> links.dialOnce(DialTarget.peerVia(peer, relay, address))));
            links.addLayer(punch);
        }
        return new RelayWiring(client, punch);
    }

    /** Peers that could relay for us: those whose records give an address and name no relays of their own. */
    private static List<DialTarget> publicPeers(Discovery discovery) {
        List<DialTarget> peers = new ArrayList<>();
        for (PeerRecord record : discovery.knownRecords()) {
            if (!record.addresses().isEmpty() && record.linkRelays().isEmpty()) {
                peers.add(DialTarget.peerAt(record.peer(), record.addresses().get(0)));
            }
        }
        return peers;
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

    /** Hole punches this node started and how they ended (none where the network cannot punch); on the loop. */
    PunchTally holePunches() {
        return punch == null ? PunchTally.NONE : punch.initiated();
    }

    /** Starts keeping reservations; on the loop. */
    void start() {
        if (client != null) {
            client.start();
        }
    }
}
