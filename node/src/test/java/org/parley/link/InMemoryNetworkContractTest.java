package org.parley.link;

import org.parley.identity.Identity;
import org.parley.link.memory.InMemoryFabric;
import org.parley.runtime.EventLoop;

/** The simulator's network, on a perfect fabric and real event loops, held to the same contract. */
class InMemoryNetworkContractTest extends NetworkContractTest {
    private final InMemoryFabric fabric = new InMemoryFabric();
    private int nextHost = 1;

    @Override
    protected Network newNetwork(Identity identity, LinkConfig config, EventLoop loop) {
        return fabric.endpoint(identity.peerId(), new HostPort("10.0.0." + nextHost++, 7450), config, loop);
    }

    @Override
    protected HostPort addressNobodyListensAt() {
        return new HostPort("10.0.1.1", 7450);
    }
}
