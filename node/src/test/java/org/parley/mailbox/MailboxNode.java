package org.parley.mailbox;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.groups.Groups;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.link.LinkConfig;
import org.parley.link.LinkManager;
import org.parley.link.memory.InMemoryFabric;
import org.parley.messaging.MessageRecord;
import org.parley.messaging.MessagingConfig;
import org.parley.messaging.Messenger;
import org.parley.overlay.dht.DhtConfig;
import org.parley.overlay.dht.DhtService;
import org.parley.overlay.discovery.Discovery;
import org.parley.overlay.discovery.DiscoveryConfig;
import org.parley.overlay.gossip.GossipConfig;
import org.parley.overlay.gossip.GossipOverLinks;
import org.parley.overlay.gossip.GossipRouter;
import org.parley.runtime.Clock;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;
import org.parley.store.ContentCipher;
import org.parley.store.Database;
import org.parley.store.InlineStorageQueue;

/**
 * A whole node for mailbox tests: links, discovery, DHT, messenger and mailbox on the in-memory
 * network, a shared virtual clock and its own SQLite file, which outlives a stop, as a daemon's does.
 */
final class MailboxNode {
    private static final SecureRandom RANDOM = new SecureRandom();

    final Identity identity;
    final HostPort address;
    private final Path databaseFile;
    private final byte[] contentKey = new byte[32];
    private final InMemoryFabric fabric;
    private final VirtualScheduler loop;
    private final MailboxConfig config;
    private final MessagingConfig messaging;
    private long seeds;
    Database database;
    LinkManager links;
    Discovery discovery;
    DhtService dht;
    Messenger messenger;
    Mailbox mailbox;
    /** The group layer, on nodes made {@link #withGroups()}: gossip, groups, and their posts through the mailbox. */
    GossipRouter router;
    Groups groups;
    private boolean groupsOn;
    boolean running;
    /** How far this node's mailbox clock runs ahead of everyone else's (a badly set clock). */
    long clockSkewMillis;

    MailboxNode(String name, int index, Path directory, InMemoryFabric fabric, VirtualScheduler loop,
                MailboxConfig config, MessagingConfig messaging) {
        this.identity = Identity.generate(name, RANDOM);
        this.address = new HostPort("10.0." + index + ".1", 7000);
        this.databaseFile = directory.resolve(name + ".db");
        this.fabric = fabric;
        this.loop = loop;
        this.config = config;
        this.messaging = messaging;
        RANDOM.nextBytes(contentKey);
    }

    PeerId id() {
        return identity.peerId();
    }

    /** Runs the group layer too, wired to the mailbox as the daemon wires it. */
    MailboxNode withGroups() {
        groupsOn = true;
        return this;
    }

    /** Starts (or restarts, from its database) and links to {@code bootstrap}. */
    void start(List<MailboxNode> bootstrap) {
        database = Database.open(databaseFile);
        InlineStorageQueue storage = new InlineStorageQueue(database);
        LinkConfig linkConfig = LinkConfig.defaults();
        links = new LinkManager(id(), fabric.endpoint(id(), address, linkConfig, loop), loop, loop,
                new SeededRng(seeds++), linkConfig, "test");
        messenger = Messenger.open(identity, links, storage, new ContentCipher(contentKey, RANDOM), loop, loop, RANDOM,
                messaging);
        discovery = new Discovery(identity, links, loop, loop, new SeededRng(seeds++), DiscoveryConfig.defaults(),
                () -> List.of(address.toString()), messenger::ownBundle);
        dht = new DhtService(id(), links, loop, loop, DhtConfig.defaults(), discovery);
        Clock skewed = new Clock() {
            @Override
            public long nowMillis() {
                return loop.nowMillis() + clockSkewMillis;
            }

            @Override
            public long monotonicNanos() {
                return loop.monotonicNanos();
            }
        };
        mailbox = Mailbox.open(identity, links, loop, skewed, config, new ClosestKnownPeers(dht, discovery, links),
                new MessengerOutbox(messenger),
                messenger::takeRelayed, storage, peer -> messenger.contacts().stream()
                        .anyMatch(contact -> contact.peer().equals(peer)), discovery::announceRelays);
        messenger.carryOfflineWith(mailbox::carry);
        GossipOverLinks gossipHost = null;
        if (groupsOn) {
            gossipHost = new GossipOverLinks(links);
            router = new GossipRouter(gossipHost, loop, loop, new SeededRng(seeds++), GossipConfig.defaults());
            gossipHost.attach(router);
            groups = Groups.open(identity, messenger, router, links, storage, new ContentCipher(contentKey, RANDOM),
                    loop, loop, RANDOM);
            groups.depositPostsWith(mailbox::depositGroupPost);
            mailbox.fetchGroupPostsFor(groups::joinedTopics, groups::receiveMailedPosts);
            messenger.addGroupControlListener(groups);
            gossipHost.addListener(groups);
        }
        links.addListener(discovery);
        links.addListener(dht);
        links.addListener(messenger);
        links.addListener(mailbox);
        if (groupsOn) {
            links.addListener(gossipHost);
            links.addListener(groups);
        }
        links.start();
        messenger.start();
        if (groupsOn) {
            router.start();
            groups.start();
        }
        discovery.start();
        dht.start(java.time.Duration.ofMinutes(1));
        mailbox.start();
        bootstrap.forEach(other -> links.keepLinkTo(DialTarget.peerAt(other.id(), other.address)));
        running = true;
    }

    /** Stops as a killed process would: only what was committed remains. */
    void stop() {
        if (groupsOn) {
            groups.stop();
            router.stop();
        }
        mailbox.stop();
        dht.stop();
        discovery.stop();
        messenger.stop();
        links.stop();
        database.close();
        running = false;
    }

    MessageRecord send(PeerId to, String text) {
        CompletableFuture<MessageRecord> accepted = messenger.send(to, text);
        loop.runUntilIdle();
        return accepted.join();
    }

    List<MessageRecord> history(PeerId peer) {
        CompletableFuture<List<MessageRecord>> history = messenger.history(peer, 10_000, Optional.empty());
        loop.runUntilIdle();
        return history.join();
    }
}
