package org.parley.node;

import java.time.Duration;
import java.util.List;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.link.LinkConfig;
import org.parley.link.relay.RelayLimits;
import org.parley.mailbox.MailboxConfig;
import org.parley.messaging.MessagingConfig;
import org.parley.messaging.Stamp;
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
 * @param stampBits proof of work (bits) it pays on the envelopes it seals, asks of deposits it
 *                  holds and of first contacts (decision 0039); one value network-wide in practice,
 *                  since a sender cannot know what others ask
 */
public record NodeSettings(Layers layers, LinkConfig links, DiscoveryConfig discovery, DhtConfig dht,
                           GossipConfig gossip, MessagingConfig messaging, MailboxConfig mailbox,
                           List<DialTarget> bootstrap, List<HostPort> announce, String agent,
                           Duration firstPublication, RelayLimits relay, int stampBits) {
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
        Stamp.checkedBits(stampBits);
    }

    /** Every layer with its defaults, no bootstrap peers, announcing the listen addresses. */
    public static NodeSettings defaults(String agent) {
        return new NodeSettings(Layers.WHOLE, LinkConfig.defaults(), DiscoveryConfig.defaults(),
                DhtConfig.defaults(), GossipConfig.defaults(), MessagingConfig.defaults(), MailboxConfig.defaults(),
                List.of(), List.of(), agent, FIRST_PUBLICATION, RelayLimits.defaults(), Stamp.DEFAULT_BITS);
    }

    /** The daemon's settings: its options over the defaults. */
    public static NodeSettings of(NodeOptions options) {
        return defaults(ParleyNode.AGENT).toBuilder().links(options.links())
                .discovery(DiscoveryConfig.defaults().withTargetLinks(options.targetLinks()))
                .mailbox(options.mailbox()).bootstrap(options.bootstrap()).announce(options.announce())
                .relay(options.relay()).stampBits(options.stampBits()).build();
    }

    public NodeSettings withLayers(Layers value) {
        return toBuilder().layers(value).build();
    }

    public NodeSettings withLinks(LinkConfig value) {
        return toBuilder().links(value).build();
    }

    public NodeSettings withDiscovery(DiscoveryConfig value) {
        return toBuilder().discovery(value).build();
    }

    public NodeSettings withMessaging(MessagingConfig value) {
        return toBuilder().messaging(value).build();
    }

    public NodeSettings withMailbox(MailboxConfig value) {
        return toBuilder().mailbox(value).build();
    }

    public NodeSettings withBootstrap(List<DialTarget> value) {
        return toBuilder().bootstrap(value).build();
    }

    public NodeSettings withAnnounce(List<HostPort> value) {
        return toBuilder().announce(value).build();
    }

    public NodeSettings withStampBits(int value) {
        return toBuilder().stampBits(value).build();
    }

    public NodeSettings withRelay(RelayLimits value) {
        return toBuilder().relay(value).build();
    }

    /** A builder holding these settings, to change several at once. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Settings changed field by field; {@link #build()} makes the record. */
    public static final class Builder {
        private Layers layers;
        private LinkConfig links;
        private DiscoveryConfig discovery;
        private DhtConfig dht;
        private GossipConfig gossip;
        private MessagingConfig messaging;
        private MailboxConfig mailbox;
        private List<DialTarget> bootstrap;
        private List<HostPort> announce;
        private String agent;
        private Duration firstPublication;
        private RelayLimits relay;
        private int stampBits;

        private Builder(NodeSettings from) {
            layers = from.layers;
            links = from.links;
            discovery = from.discovery;
            dht = from.dht;
            gossip = from.gossip;
            messaging = from.messaging;
            mailbox = from.mailbox;
            bootstrap = from.bootstrap;
            announce = from.announce;
            agent = from.agent;
            firstPublication = from.firstPublication;
            relay = from.relay;
            stampBits = from.stampBits;
        }

        public Builder layers(Layers value) {
            layers = value;
            return this;
        }

        public Builder links(LinkConfig value) {
            links = value;
            return this;
        }

        public Builder discovery(DiscoveryConfig value) {
            discovery = value;
            return this;
        }

        public Builder dht(DhtConfig value) {
            dht = value;
            return this;
        }

        public Builder gossip(GossipConfig value) {
            gossip = value;
            return this;
        }

        public Builder messaging(MessagingConfig value) {
            messaging = value;
            return this;
        }

        public Builder mailbox(MailboxConfig value) {
            mailbox = value;
            return this;
        }

        public Builder bootstrap(List<DialTarget> value) {
            bootstrap = value;
            return this;
        }

        public Builder announce(List<HostPort> value) {
            announce = value;
            return this;
        }

        public Builder agent(String value) {
            agent = value;
            return this;
        }

        public Builder firstPublication(Duration value) {
            firstPublication = value;
            return this;
        }

        public Builder relay(RelayLimits value) {
            relay = value;
            return this;
        }

        public Builder stampBits(int value) {
            stampBits = value;
            return this;
        }

        public NodeSettings build() {
            return new NodeSettings(layers, links, discovery, dht, gossip, messaging, mailbox, bootstrap, announce,
                    agent, firstPublication, relay, stampBits);
        }
    }
}
