package org.parley.node;

import java.util.Optional;
import org.parley.groups.Groups;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.LinkManager;
import org.parley.link.punch.PunchTally;
import org.parley.link.Network;
import org.parley.mailbox.Mailbox;
import org.parley.messaging.Messenger;
import org.parley.overlay.dht.DhtService;
import org.parley.overlay.discovery.Discovery;
import org.parley.overlay.gossip.GossipOverLinks;
import org.parley.overlay.gossip.GossipRouter;

/**
 * A node as {@link NodeAssembly} built it: its layers, and the order in which they start and
 * stop. Both run on the node's loop. It owns no thread and no file: whoever made its environment
 * (the daemon, a simulator scenario, a test) closes those after {@link #stop()}.
 */
public final class AssembledNode {
    private final Identity identity;
    private final Network network;
    private final LinkManager links;
    private final Discovery discovery;
    private final DhtService dht;
    private final GossipOverLinks gossipHost;
    private final GossipRouter gossip;
    private final Messaging messaging;
    /** The reachability check of an overlay-only node that runs one (a whole node's is in {@link Messaging}). */
    private final NodeReachability overlayReachability;
    private final NodeSettings settings;

    /** The layers above the overlay, on a whole node. */
    record Messaging(Messenger messenger, Groups groups, PeerReacher reacher, RelayWiring relaying,
                     NodeReachability reachability, Mailbox mailbox, PeerMemory memory) {
    }

    AssembledNode(Identity identity, Network network, LinkManager links, Discovery discovery, DhtService dht,
                  GossipOverLinks gossipHost, GossipRouter gossip, Messaging messaging,
                  NodeReachability overlayReachability, NodeSettings settings) {
        this.overlayReachability = overlayReachability;
        this.identity = identity;
        this.network = network;
        this.links = links;
        this.discovery = discovery;
        this.dht = dht;
        this.gossipHost = gossipHost;
        this.gossip = gossip;
        this.messaging = messaging;
        this.settings = settings;
    }

    /**
     * Starts every layer, then keeps links to the bootstrap peers. On the node's loop. Each layer
     * starts after those it uses (groups after messenger and gossip).
     */
    public void start() {
        links.start();
        if (overlayReachability != null) {
            overlayReachability.start();
        }
        if (messaging != null) {
            messaging.reachability().start();
            messaging.messenger().start();
        }
        discovery.start();
        dht.start(settings.firstPublication());
        gossip.start();
        if (messaging != null) {
            messaging.groups().start();
            messaging.reacher().start();
            messaging.relaying().start();
            messaging.mailbox().start();
        }
        settings.bootstrap().forEach(links::keepLinkTo);
    }

    /** Stops every layer, the top ones first, and closes every link. On the node's loop. */
    public void stop() {
        if (overlayReachability != null) {
            overlayReachability.stop();
        }
        if (messaging != null) {
            messaging.reachability().stop();
            messaging.reacher().stop();
            messaging.mailbox().stop();
            messaging.groups().stop();
        }
        gossip.stop();
        dht.stop();
        discovery.stop();
        if (messaging != null) {
            messaging.messenger().stop();
        }
        links.stop();
    }

    /** Hole punches this node started (as the initiator) and how they ended; none on an overlay-only node. */
    public PunchTally holePunches() {
        return messaging == null ? PunchTally.NONE : messaging.relaying().holePunches();
    }

    public Identity identity() {
        return identity;
    }

    public PeerId id() {
        return identity.peerId();
    }

    public Network network() {
        return network;
    }

    public LinkManager links() {
        return links;
    }

    public Discovery discovery() {
        return discovery;
    }

    public DhtService dht() {
        return dht;
    }

    public GossipOverLinks gossipHost() {
        return gossipHost;
    }

    public GossipRouter gossip() {
        return gossip;
    }

    /** Whether the node runs the layers above the overlay. */
    public boolean whole() {
        return messaging != null;
    }

    /** The messenger of a whole node. */
    public Messenger messenger() {
        return wholeParts().messenger();
    }

    public Groups groups() {
        return wholeParts().groups();
    }

    public Mailbox mailbox() {
        return wholeParts().mailbox();
    }

    /** The reachability check (whole nodes only); its probe is closed by whoever made the network. */
    NodeReachability reachability() {
        return wholeParts().reachability();
    }

    public PeerReacher reacher() {
        return wholeParts().reacher();
    }

    PeerMemory memory() {
        return wholeParts().memory();
    }

    private Messaging wholeParts() {
        return Optional.ofNullable(messaging)
                .orElseThrow(() -> new IllegalStateException("an overlay-only node runs no messaging layers"));
    }
}
