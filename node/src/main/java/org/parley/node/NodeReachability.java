package org.parley.node;

import java.time.Duration;
import java.util.List;
import org.parley.identity.Identity;
import org.parley.link.AddressProbe;
import org.parley.link.HostPort;
import org.parley.link.LinkManager;
import org.parley.link.Network;
import org.parley.link.memory.InMemoryNetwork;
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
 * peers back on the node's transport, and what the node's record announces as a result. Call its
 * methods on the loop, except {@link #close}.
 */
final class NodeReachability implements AutoCloseable {
    /** How long a dial-back may take to connect and finish its TLS handshake. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    private final ReachabilityService service;
    /** Stops the probe's threads, if it has any. */
    private final Runnable closeProbe;
    private final List<HostPort> announce;
    private final Network network;

    private NodeReachability(ReachabilityService service, Runnable closeProbe, List<HostPort> announce,
                             Network network) {
        this.service = service;
        this.closeProbe = closeProbe;
        this.announce = announce;
        this.network = network;
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
        ReachabilityService service = new ReachabilityService(links, links::remoteAddressOf, probe,
                network::listenAddresses, loop, clock, rng,
                ReachabilityConfig.defaults());
        links.addLayer(service);
        return new NodeReachability(service, closeProbe, announce, network);
    }

    void start() {
        service.start();
    }

    void stop() {
        service.stop();
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

    @Override
    public void close() {
        closeProbe.run();
    }
}
