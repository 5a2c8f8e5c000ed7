package org.parley.node;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.parley.identity.Identity;
import org.parley.link.AddressProbe;
import org.parley.link.HostPort;
import org.parley.link.LinkManager;
import org.parley.link.Network;
import org.parley.link.memory.InMemoryNetwork;
import org.parley.link.portmap.PortMapper;
import org.parley.link.portmap.PortMapping;
import org.parley.link.portmap.PortMappingKeeper;
import org.parley.link.tls.TlsAddressProbe;
import org.parley.overlay.reachability.AnnouncedAddresses;
import org.parley.overlay.reachability.Reachability;
import org.parley.overlay.reachability.ReachabilityConfig;
import org.parley.overlay.reachability.ReachabilityService;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;
import org.parley.runtime.Rng;

/**
 * The reachability check of a running node: the service on the node's links, the probe that dials
 * peers back on the node's transport, the port mapping on the router where one is kept, and what
 * the node's record announces as a result. A mapped port is only asked to be dialled back, like
 * any address: the record names it once peers confirm it. Call its methods on the loop, except
 * {@link #close}.
 */
final class NodeReachability implements AutoCloseable {
    /** How long a dial-back may take to connect and finish its TLS handshake. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    /** A host part that asks a peer to dial back the IP it sees us at. */
    private static final String AT_THE_IP_YOU_SEE = "0.0.0.0";

    private final ReachabilityService service;
    /** Stops the probe's threads, if it has any. */
    private final Runnable closeProbe;
    private final List<HostPort> announce;
    private final Network network;
    private final Scheduler loop;
    private final Clock clock;
    private PortMappingKeeper portMapping;

    private NodeReachability(LinkManager links, AddressProbe probe, Runnable closeProbe, List<HostPort> announce,
                             Network network, Scheduler loop, Clock clock, Rng rng) {
        this.service = new ReachabilityService(links, links::remoteAddressOf, probe, this::dialBackAddresses, loop,
                clock, rng, ReachabilityConfig.defaults());
        this.closeProbe = closeProbe;
        this.announce = announce;
        this.network = network;
        this.loop = loop;
        this.clock = clock;
    }

    /** Listens on {@code links}; {@link #start} it on the loop once the links are started. */
    static NodeReachability attach(Identity identity, LinkManager links, Network network, Scheduler loop, Clock clock,
                                   Rng rng, List<HostPort> announce) {
        AddressProbe probe;
        Runnable closeProbe;
        if (network instanceof InMemoryNetwork memory) {
            probe = memory.addressProbe();
            closeProbe = () -> { };
        } else {
            TlsAddressProbe tls = new TlsAddressProbe(identity, loop, PROBE_TIMEOUT);
            probe = tls;
            closeProbe = tls::close;
        }
        NodeReachability reachability = new NodeReachability(links, probe, closeProbe, announce, network, loop, clock,
                rng);
        links.addLayer(reachability.service);
        return reachability;
    }

    /**
     * Keeps the listen port mapped on the router with {@code mapper}, whose blocking calls run on
     * {@code worker}. Before {@link #start}.
     */
    void mapPortWith(PortMapper mapper, Executor worker) {
        portMapping = new PortMappingKeeper(mapper, worker, loop, clock, mapping -> service.recheck());
    }

    void start() {
        service.start();
        if (portMapping != null) {
            network.listenAddresses().stream().mapToInt(HostPort::port).filter(port -> port != 0).findFirst()
                    .ifPresent(portMapping::start);
        }
    }

    /** Stops the checks, and has the router remove our mapping (on the mapping's worker). */
    void stop() {
        service.stop();
        if (portMapping != null) {
            portMapping.stop();
        }
    }

    /** What our record names: see {@link AnnouncedAddresses}. */
    List<String> announcedAddresses() {
        return AnnouncedAddresses.of(announce, network.listenAddresses(), service.confirmedAddresses(),
                service.reachability());
    }

    Reachability reachability() {
        return service.reachability();
    }

    List<String> observedAddresses() {
        return service.observedAddresses().stream().map(HostPort::toString).toList();
    }

    /** The mapping the router holds for us now, if any. */
    Optional<PortMapping> portMapping() {
        return portMapping == null ? Optional.empty() : portMapping.current();
    }

    /**
     * Where we ask peers to dial us back: with a mapping, its external port at the IP each peer
     * sees us at (so a router that names a public address it does not hold, behind another NAT,
     * does not fool us); then where we listen.
     */
    private List<HostPort> dialBackAddresses() {
        List<HostPort> addresses = new ArrayList<>();
        portMapping().ifPresent(mapping -> addresses.add(new HostPort(AT_THE_IP_YOU_SEE, mapping.external().port())));
        addresses.addAll(network.listenAddresses());
        return addresses;
    }

    @Override
    public void close() {
        closeProbe.run();
    }
}
