package org.parley.node;

import java.time.Duration;
import java.util.List;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.link.LinkConfig;
import org.parley.link.relay.RelayLimits;
import org.parley.mailbox.MailboxConfig;
import org.parley.messaging.MessagingConfig;
import org.parley.overlay.dht.DhtConfig;
import org.parley.overlay.discovery.DiscoveryConfig;
import org.parley.overlay.gossip.GossipConfig;

/**
 * What a node is configured with, layer by layer, whoever runs it: the daemon derives it from
 * its {@link NodeOptions}, the simulator and tests from their scenario.
 *
 * @param layers whether the node runs every layer or the overlay only (see {@link Layers})
 * @param bootstrap peers the node keeps links to from the start
 * @param announce addresses its record announces; empty: its listen addresses (not wildcards)
 * @param agent what it tells its neighbours it runs
 * @param firstPublication time to link up before its record is first published to the DHT
 */
public record NodeSettings(Layers layers, LinkConfig links, DiscoveryConfig discovery, DhtConfig dht,
                           GossipConfig gossip, MessagingConfig messaging, MailboxConfig mailbox,
                           List<DialTarget> bootstrap, List<HostPort> announce, String agent,
                           Duration firstPublication, RelayLimits relay) {
    /**
     * Publishing dials the k closest peers, so it waits until the node knows many; peer exchange
     * spreads the record meanwhile.
     */
    public static final Duration FIRST_PUBLICATION = Duration.ofMinutes(1);

    /** Which layers a node runs. */
    public enum Layers {
        /** Links, discovery, DHT, gossip, messenger, groups, mailbox, peer reacher: what the daemon runs. */
        WHOLE,
        /**
         * Links, discovery, DHT and gossip only. The simulator's plain topic scenario measures
         * the overlay at 10,000 nodes; a database and a messenger each would cost it memory and
         * time (see the decision record on the assembly) for layers it never exercises.
         */
        OVERLAY
    }

    public NodeSettings {
        bootstrap = List.copyOf(bootstrap);
        announce = List.copyOf(announce);
    }

    /** Every layer with its defaults, no bootstrap peers, announcing the listen addresses. */
    public static NodeSettings defaults(String agent) {
        return new NodeSettings(Layers.WHOLE, LinkConfig.defaults(), DiscoveryConfig.defaults(),
                DhtConfig.defaults(), GossipConfig.defaults(), MessagingConfig.defaults(), MailboxConfig.defaults(),
                List.of(), List.of(), agent, FIRST_PUBLICATION, RelayLimits.defaults());
    }

    /** The daemon's settings: its options over the defaults. */
    public static NodeSettings of(NodeOptions options) {
        return defaults(ParleyNode.AGENT).withLinks(options.links())
                .withDiscovery(DiscoveryConfig.defaults().withTargetLinks(options.targetLinks()))
                .withMailbox(options.mailbox()).withBootstrap(options.bootstrap()).withAnnounce(options.announce())
                .withRelay(options.relay());
    }

    public NodeSettings withLayers(Layers value) {
        return new NodeSettings(value, links, discovery, dht, gossip, messaging, mailbox, bootstrap, announce, agent,
                firstPublication, relay);
    }

    public NodeSettings withLinks(LinkConfig value) {
        return new NodeSettings(layers, value, discovery, dht, gossip, messaging, mailbox, bootstrap, announce, agent,
                firstPublication, relay);
    }

    public NodeSettings withDiscovery(DiscoveryConfig value) {
        return new NodeSettings(layers, links, value, dht, gossip, messaging, mailbox, bootstrap, announce, agent,
                firstPublication, relay);
    }

    public NodeSettings withMessaging(MessagingConfig value) {
        return new NodeSettings(layers, links, discovery, dht, gossip, value, mailbox, bootstrap, announce, agent,
                firstPublication, relay);
    }

    public NodeSettings withMailbox(MailboxConfig value) {
        return new NodeSettings(layers, links, discovery, dht, gossip, messaging, value, bootstrap, announce, agent,
                firstPublication, relay);
    }

    public NodeSettings withBootstrap(List<DialTarget> value) {
        return new NodeSettings(layers, links, discovery, dht, gossip, messaging, mailbox, value, announce, agent,
                firstPublication, relay);
    }

    public NodeSettings withAnnounce(List<HostPort> value) {
        return new NodeSettings(layers, links, discovery, dht, gossip, messaging, mailbox, bootstrap, value, agent,
                firstPublication, relay);
    }

    public NodeSettings withRelay(RelayLimits value) {
        return new NodeSettings(layers, links, discovery, dht, gossip, messaging, mailbox, bootstrap, announce, agent,
                firstPublication, value);
    }
}
