package org.parley.link;

import java.util.List;
import java.util.Optional;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.Hello;
import org.parley.runtime.Clock;

/**
 * The {@code Hello} both ends send first on every link: what this node says in it (protocol
 * version, where it listens, its software), and what it takes from a neighbour's. Kept apart from
 * the {@link LinkManager} because a neighbour's Hello is the one place its own words about itself
 * enter the link layer, so they are checked and bounded here.
 */
final class Greeting {
    /** A peer's software name is for diagnostics only: it may not cost us more than this. */
    static final int MAX_AGENT_LENGTH = 128;
    /** Envelope versions read from a Hello, at most: there are three. */
    static final int MAX_ENVELOPE_VERSIONS = 8;

    private final Network network;
    private final String agent;
    private final Clock clock;
    private List<Integer> envelopeVersions = List.of();
    private boolean forwardsDeposits;
    private boolean proxiesLookups;

    Greeting(Network network, String agent, Clock clock) {
        this.network = network;
        this.agent = agent;
        this.clock = clock;
    }

    /** The envelope versions this node takes, said in every Hello from now on. */
    void announceEnvelopeVersions(List<Integer> versions) {
        this.envelopeVersions = List.copyOf(versions);
    }

    /** Whether every Hello from now on says that this node deposits placed mail for its neighbours. */
    void announceDepositForwarding(boolean forwards) {
        this.forwardsDeposits = forwards;
    }

    /** Whether every Hello from now on says that this node takes lookups made for others. */
    void announceLookupProxying(boolean proxies) {
        this.proxiesLookups = proxies;
    }

    /** This node's Hello, naming where it listens now. */
    Frame own() {
        Hello.Builder hello = Hello.newBuilder().setProtocolVersion(LinkConfig.PROTOCOL_VERSION).setAgent(agent)
                .addAllEnvelopeVersions(envelopeVersions).setForwardsDeposits(forwardsDeposits)
                .setProxiesLookups(proxiesLookups);
        network.listenAddresses().forEach(address -> hello.addListenAddresses(address.toString()));
        return Frame.newBuilder().setHello(hello).build();
    }

    /** Why a neighbour's Hello cannot open the link: it speaks another link protocol. Empty when it can. */
    static Optional<String> refusal(Hello hello) {
        if (hello.getProtocolVersion() == LinkConfig.PROTOCOL_VERSION) {
            return Optional.empty();
        }
        return Optional.of("peer speaks link protocol " + hello.getProtocolVersion() + ", we speak "
                + LinkConfig.PROTOCOL_VERSION);
    }

    /** The neighbour on {@code link} as the link and its {@code hello} describe it, linked from now. */
    PeerInfo describe(Link link, Hello hello) {
        String agentName = hello.getAgent();
        return new PeerInfo(link.remotePeer(), NeighbourAddress.of(link, hello), link.direction(), clock.nowMillis(),
                agentName.length() <= MAX_AGENT_LENGTH ? agentName : agentName.substring(0, MAX_AGENT_LENGTH),
                link.path(), link.relay(), hello.getEnvelopeVersionsList().stream().limit(MAX_ENVELOPE_VERSIONS)
                        .collect(java.util.stream.Collectors.toSet()), hello.getForwardsDeposits(),
                hello.getProxiesLookups());
    }
}
