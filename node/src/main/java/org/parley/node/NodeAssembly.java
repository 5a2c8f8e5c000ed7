package org.parley.node;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.parley.groups.Groups;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.HostPort;
import org.parley.link.LinkManager;
import org.parley.link.Neighbours;
import org.parley.link.Network;
import org.parley.mailbox.ClosestKnownPeers;
import org.parley.mailbox.Mailbox;
import org.parley.mailbox.MessengerOutbox;
import org.parley.messaging.Messenger;
import org.parley.overlay.dht.DhtService;
import org.parley.overlay.dht.LookupProxy;
import org.parley.overlay.dht.ProxiedLookups;
import org.parley.overlay.discovery.Discovery;
import org.parley.overlay.gossip.GossipOverLinks;
import org.parley.overlay.gossip.GossipRouter;
import org.parley.overlay.reachability.AnnouncedAddresses;
import org.parley.overlay.reachability.Reachability;
import org.parley.overlay.record.RecordVerifier;
import org.parley.proto.wire.v1.PrekeyBundle;
import org.parley.runtime.Rng;
import org.parley.store.ContentCipher;

/**
 * The one place a node is built: from its {@link NodeEnvironment} (what it takes from the world)
 * and its {@link NodeSettings} (how it is configured), every layer is made and wired to the
 * others. The daemon, every simulator scenario and the test harnesses that need a node build it
 * here, so a mistake in how the parts fit shows in all of them alike. Building starts nothing:
 * {@link AssembledNode#start()} does, on the node's loop.
 */
public final class NodeAssembly {
    /**
     * Links to peers nobody can dial a node keeps, per link of its maximum: at 80% behind NATs
     * each public node has about 32 of them (four private nodes of 8 links each per public node).
     */
    static final int UNDIALABLE_LINKS_PER_MAX_LINK = 3;

    private NodeAssembly() {
    }

    private static int countLinked(Neighbours links, Predicate<PeerId> which) {
        int count = 0;
        for (PeerId peer : links.linkedPeers()) {
            if (which.test(peer)) {
                count++;
            }
        }
        return count;
    }

    /**
     * Builds a node. Loads the messaging state from storage (blocking, for a whole node): call it
     * before the loop serves anything. Throws what opening the messenger or the group layer
     * throws when its stored state cannot be read.
     */
    public static AssembledNode assemble(NodeEnvironment env, NodeSettings settings) {
        Identity identity = env.identity();
        Network network = env.network().apply(env.scheduler());
        // Drawn in a fixed order, so that a seeded environment gives each layer the same stream
        // however the wiring below is arranged (the simulator's figures repeat across such changes).
        Rng linkRng = env.rngs().get();
        Rng discoveryRng = env.rngs().get();
        Rng gossipRng = env.rngs().get();
        LinkManager links = new LinkManager(identity.peerId(), network, env.scheduler(), env.clock(), linkRng,
                settings.links(), settings.agent());
        GossipOverLinks gossipHost = new GossipOverLinks(links);
        GossipRouter gossip = new GossipRouter(env.gossipHost().apply(gossipHost), env.scheduler(), env.clock(),
                gossipRng, settings.gossip());
        gossipHost.attach(gossip);
        boolean whole = settings.layers() == NodeSettings.Layers.WHOLE;
        Messenger messenger = null;
        Groups groups = null;
        if (whole) {
            ContentCipher cipher = cipher(env);
            messenger = openMessenger(env, settings, links, cipher);
            groups = openGroups(env, messenger, gossipHost, gossip, links, cipher);
        }
        // A whole node checks its reachability (dial-backs) and announces what peers confirmed; so
        // does an overlay-only node told no address to announce (the simulator's, with NATs). The
        // topic scenario's other overlay-only nodes announce their listen address, as they always did.
        // Its randomness is drawn last, so the streams drawn above stay the same for a seed.
        NodeReachability reachability = whole || settings.announce().isEmpty()
                ? NodeReachability.attach(identity, links, network, env.scheduler(), env.clock(), env.rngs().get(),
                        settings.announce())
                : null;
        Supplier<List<String>> announced = reachability != null ? reachability::announcedAddresses
                : () -> AnnouncedAddresses.of(settings.announce(), network.listenAddresses(), List.of(),
                        Reachability.UNKNOWN);
        Supplier<PrekeyBundle> bundle = whole ? messenger::ownBundle : env.overlayBundle();
        RecordVerifier records = env.records() != null ? env.records()
                : new RecordVerifier(settings.discovery().bookCapacity() * 2);
        Discovery discovery = new Discovery(identity, links, env.scheduler(), env.clock(), discoveryRng,
                settings.discovery(), announced, bundle, records);
        links.addLayer(discovery);
        // Peers behind NATs mesh only with dialable ones and cannot be dialled back after a trim:
        // those in a mesh are kept, in the mesh and as links (issue 15; decision 0043).
        Predicate<PeerId> undialable = peer -> discovery.recordOf(peer)
                .map(record -> record.addresses().isEmpty()).orElse(false);
        gossip.spareUndialable(undialable);
        // A private peer trimmed here dials another public node, which has no more room: trimming it
        // frees nothing overall, and costs it a link it cannot get back by being dialled. Up to a
        // number of them are kept, beyond that only mesh peers (issue 15; decision 0050).
        int undialableKept = settings.discovery().maxLinks() * UNDIALABLE_LINKS_PER_MAX_LINK;
        discovery.spareLinksTo(peer -> undialable.test(peer)
                && (gossip.isMeshPeer(peer) || countLinked(links, undialable) <= undialableKept));
        // Links are kept by what they relay of the topics both ends share (decision 0048).
        gossip.onRelay(discovery::relayed);
        discovery.judgeRelaysBy(gossip::messagesSinceRelayed);
        links.addListener(gossipHost);
        links.addFrameHandler(env.gossipFrames().apply(gossipHost));
        DhtService dht = new DhtService(identity.peerId(), links, env.scheduler(), env.clock(), settings.dht(),
                discovery);
        if (reachability != null) {
            // Issue 15: nodes nobody can dial take part in the DHT as clients only.
            dht.checkContactsWith(reachability.probe());
            dht.takePartAsClientWhile(() -> announced.get().isEmpty());
        }
        links.addListener(dht);
        links.addFrameHandler(env.dhtFrames().wrap(dht, links, discovery));
        // A flood of peer exchange fills the book; the table's full buckets resist it (decision 0078).
        discovery.dialTableContacts(dht::contactRecords);
        // A node whose first copies stopped (its neighbours went silent at once) dials table
        // contacts at the gossip's pace, not the link upkeep's (decision 0083).
        gossip.onStarved(discovery::starved);
        AssembledNode.Messaging messaging = whole ? wireMessaging(env, settings, network, links, gossipHost, gossip,
                discovery, dht, messenger, groups, reachability, announced) : null;
        links.redialUrgentlyBelow(settings.discovery().targetLinks());
        return new AssembledNode(identity, network, links, discovery, dht, gossipHost, gossip, messaging,
                whole ? null : reachability, settings);
    }

    /** The layers above the overlay, wired to it and to each other as the daemon runs them. */
    private static AssembledNode.Messaging wireMessaging(NodeEnvironment env, NodeSettings settings, Network network,
                                                         LinkManager links, GossipOverLinks gossipHost,
                                                         GossipRouter gossip, Discovery discovery, DhtService dht,
                                                         Messenger messenger, Groups groups,
                                                         NodeReachability reachability,
                                                         Supplier<List<String>> announced) {
        PeerReacher reacher = new PeerReacher(links, dht, () -> waitingPeers(messenger, groups),
                record -> messenger.learnBundleFromRecord(record.peer(), record.bundle()), env.scheduler(),
                env.clock(), PeerReacher.CHECK_INTERVAL, PeerReacher.RETRY_AFTER);
        messenger.addListener(reacher);
        groups.reachPeersWith(reacher::reachNow);
        // A group's setup hands keys between every two members: a link opened for that stays
        // until what it carries is acknowledged, however many links the node holds meanwhile.
        discovery.spareLinksTo(groups::controlWaitsFor);
        // Needing relays means announcing no address: none confirmed reachable, none given.
        // Its randomness (punch nonces among it) is drawn after every other layer's, so theirs stay the
        // same for a seed.
        RelayWiring relaying = RelayWiring.attach(env.identity().peerId(), network, links, env.scheduler(),
                env.clock(), env.rngs().get(), settings.relay(), discovery, reacher, () -> announced.get().isEmpty());
        // Peers near a key would see who looks it up: lookups go through two other peers
        // (decision 0085). Its randomness is drawn last, as the relays' was.
        LookupProxy proxy = new LookupProxy(env.identity(), links, dht, env.scheduler(), env.clock(), env.random());
        links.addLayer(proxy);
        links.announceLookupProxying(true);
        reacher.lookUpThrough(new ProxiedLookups(env.identity().peerId(), dht, proxy, links, discovery::recordOf,
                discovery.verifier(), env.scheduler(), env.clock(), env.rngs().get(), env.random()));
        Mailbox mailbox = Mailbox.open(env.identity(), links, env.scheduler(), env.mailboxClock(), settings.mailbox(),
                new ClosestKnownPeers(dht, discovery, links), new MessengerOutbox(messenger),
                messenger::takeRelayed, env.storage(), messenger::isContact, discovery::announceRelays);
        mailbox.requireStampBits(settings.stampBits());
        messenger.carryOfflineWith(mailbox::carry);
        links.announceEnvelopeVersions(messenger.envelopeVersions());
        links.announceDepositForwarding(true);
        mailbox.pickUpPairsWith(messenger::pairsToUs);
        groups.depositPostsWith(mailbox::depositGroupPost);
        mailbox.fetchGroupPostsFor(groups::joinedTopics, groups::receiveMailedPosts);
        links.addLayer(mailbox);
        PeerMemory memory = new PeerMemory(env.storage(), env.clock());
        links.addListener(memory);
        links.addLayer(messenger);
        links.addListener(groups);
        return new AssembledNode.Messaging(messenger, groups, reacher, relaying, reachability, mailbox, memory);
    }

    /** What seals the node's stored content: the environment's key and randomness. */
    public static ContentCipher cipher(NodeEnvironment env) {
        return new ContentCipher(env.contentKey(), env.random());
    }

    /**
     * Opens the messenger as every node does, on {@code neighbours} (a whole node's links, or a
     * test harness's direct calls): content sealed at rest, inbound envelopes checked by the
     * environment's verifier. Loads its state from storage (blocking).
     */
    public static Messenger openMessenger(NodeEnvironment env, NodeSettings settings, Neighbours neighbours,
                                          ContentCipher cipher) {
        Messenger messenger = Messenger.open(env.identity(), neighbours, env.storage(), cipher, env.scheduler(),
                env.clock(), env.random(), settings.messaging());
        messenger.verifyEnvelopesWith(env.verifier());
        messenger.stampBits(settings.stampBits());
        return messenger;
    }

    /**
     * Opens the group layer as every node does, over {@code messenger} and {@code gossip}, and
     * wires it to both: group control arrives through the messenger, posts through gossip.
     * Loads its state from storage (blocking).
     */
    public static Groups openGroups(NodeEnvironment env, Messenger messenger, GossipOverLinks gossipHost,
                                    GossipRouter gossip, Neighbours neighbours, ContentCipher cipher) {
        Groups groups = Groups.open(env.identity(), messenger, gossip, neighbours, env.storage(), cipher,
                env.postVerifier(), env.scheduler(), env.clock(), env.random());
        messenger.addGroupSignalListener(groups);
        gossipHost.addListener(groups);
        return groups;
    }

    /** Peers the outbox or the group layer waits for: the reacher looks them up and dials them. */
    private static Set<PeerId> waitingPeers(Messenger messenger, Groups groups) {
        Set<PeerId> waiting = new HashSet<>(messenger.waitingPeers());
        waiting.addAll(groups.waitingPeers());
        return waiting;
    }
}
