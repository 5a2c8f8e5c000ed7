package org.parley.link.memory;

import java.util.function.Consumer;
import org.parley.identity.PeerId;
import org.parley.link.AddressProbe;
import org.parley.link.HostPort;
import org.parley.runtime.Scheduler;

/**
 * The in-memory {@link AddressProbe}: reached when the expected peer's endpoint listens at the
 * address, is not behind a NAT and is on this node's side of any cut; like a real probe, it makes
 * no link.
 */
public final class InMemoryAddressProbe implements AddressProbe {
    private final InMemoryFabric fabric;
    private final HostPort self;
    private final Scheduler scheduler;

    public InMemoryAddressProbe(InMemoryFabric fabric, HostPort self, Scheduler scheduler) {
        this.fabric = fabric;
        this.self = self;
        this.scheduler = scheduler;
    }

    @Override
    public void probe(PeerId expected, HostPort address, Consumer<Boolean> done) {
        boolean reached = !fabric.divided(self, address) && !fabric.refusesInbound(address)
                && fabric.endpointAt(address).map(endpoint -> endpoint.self().equals(expected)).orElse(false);
        scheduler.execute(() -> done.accept(reached));
    }
}
