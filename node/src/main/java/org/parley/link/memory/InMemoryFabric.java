package org.parley.link.memory;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.parley.identity.PeerId;
import org.parley.link.HostPort;
import org.parley.link.LinkConfig;
import org.parley.runtime.Scheduler;

/**
 * The shared medium of {@link InMemoryNetwork}s: who listens at which address. A node that has
 * not started, or has closed, is not reachable, exactly as with sockets.
 */
public final class InMemoryFabric {
    private final Map<HostPort, InMemoryNetwork> listening = new ConcurrentHashMap<>();
    private final AtomicInteger ephemeralPorts = new AtomicInteger();
    private final LinkConditions conditions;

    /** A medium on which every frame arrives, at once. */
    public InMemoryFabric() {
        this(LinkConditions.perfect());
    }

    public InMemoryFabric(LinkConditions conditions) {
        this.conditions = conditions;
    }

    LinkConditions conditions() {
        return conditions;
    }

    /** A network for a node listening at {@code address}; it becomes reachable once started. */
    public InMemoryNetwork endpoint(PeerId self, HostPort address, LinkConfig config, Scheduler scheduler) {
        return new InMemoryNetwork(this, self, address, config, scheduler, ephemeralPorts);
    }

    void attach(InMemoryNetwork network) {
        InMemoryNetwork previous = listening.putIfAbsent(network.address(), network);
        if (previous != null && previous != network) {
            throw new IllegalStateException("address in use: " + network.address());
        }
    }

    void detach(InMemoryNetwork network) {
        listening.remove(network.address(), network);
    }

    Optional<InMemoryNetwork> endpointAt(HostPort address) {
        return Optional.ofNullable(listening.get(address));
    }
}
