package org.parley.mailbox;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.parley.groups.Groups;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.link.LinkConfig;
import org.parley.link.LinkManager;
import org.parley.link.memory.InMemoryFabric;
import org.parley.messaging.MessageRecord;
import org.parley.messaging.MessagingConfig;
import org.parley.messaging.Messenger;
import org.parley.messaging.TestSealing;
import org.parley.node.AssembledNode;
import org.parley.node.NodeAssembly;
import org.parley.node.NodeEnvironment;
import org.parley.node.NodeSettings;
import org.parley.overlay.dht.DhtService;
import org.parley.overlay.discovery.Discovery;
import org.parley.overlay.gossip.GossipRouter;
import org.parley.runtime.Clock;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;
import org.parley.store.Database;
import org.parley.store.InlineStorageQueue;

/**
 * A whole node for mailbox tests, built by the daemon's {@link NodeAssembly}: links, discovery,
 * DHT, gossip, messenger, groups and mailbox on the in-memory network, a shared virtual clock and
 * its own SQLite file, which outlives a stop, as a daemon's does.
 */
final class MailboxNode {
    private static final SecureRandom SHARED_RANDOM = new SecureRandom();

    final Identity identity;
    final HostPort address;
    private final Path databaseFile;
    private final byte[] contentKey = new byte[32];
    private final InMemoryFabric fabric;
    private final VirtualScheduler loop;
    private final MailboxConfig config;
    private final MessagingConfig messaging;
    private long seeds;
    /** Keys, content key and the node's cryptographic randomness: seeded in tests that replay one network. */
    private final SecureRandom random;
    Database database;
    LinkManager links;
    Discovery discovery;
    DhtService dht;
    Messenger messenger;
    Mailbox mailbox;
    /** The group layer: gossip, groups, and their posts through the mailbox, as on every whole node. */
    GossipRouter router;
    Groups groups;
    private AssembledNode node;
    boolean running;
    /** How far this node's mailbox clock runs ahead of everyone else's (a badly set clock). */
    long clockSkewMillis;

    MailboxNode(String name, int index, Path directory, InMemoryFabric fabric, VirtualScheduler loop,
                MailboxConfig config, MessagingConfig messaging) {
        this(name, index, directory, fabric, loop, config, messaging, SHARED_RANDOM);
    }

    /** A node whose keys and randomness come from {@code random} (one seeded per network, to replay it). */
    MailboxNode(String name, int index, Path directory, InMemoryFabric fabric, VirtualScheduler loop,
                MailboxConfig config, MessagingConfig messaging, SecureRandom random) {
        this.random = random;
        this.identity = Identity.generate(name, random);
        this.address = new HostPort("10.0." + index + ".1", 7000);
        this.databaseFile = directory.resolve(name + ".db");
        this.fabric = fabric;
        this.loop = loop;
        this.config = config;
        this.messaging = messaging;
        random.nextBytes(contentKey);
    }

    PeerId id() {
        return identity.peerId();
    }

    /** Runs the group layer too: every node built by the assembly does (kept so tests say what they use). */
    MailboxNode withGroups() {
        return this;
    }

    /** When set, the envelope versions this node takes, standing in for an older node's. */
    java.util.Set<Integer> onlyEnvelopeVersions;

    /**
     * Starts (or restarts, from its database) and links to {@code bootstrap}: the daemon's
     * assembly, on the in-memory network and the shared virtual loop, with this node's mailbox
     * clock running {@link #clockSkewMillis} ahead.
     */

    void start(List<MailboxNode> bootstrap) {
        database = Database.open(databaseFile);
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
        NodeEnvironment environment = NodeEnvironment.builder(identity, loop, loop)
                .mailboxClock(skewed)
                .randomness(() -> new SeededRng(seeds++), random)
                .network(scheduler -> fabric.endpoint(id(), address, LinkConfig.defaults(), scheduler))
                .storage(new InlineStorageQueue(database), contentKey)
                .build();
        node = NodeAssembly.assemble(environment, NodeSettings.defaults("test").withStampBits(TestSealing.BITS).withMessaging(messaging)
                .withMailbox(config).withAnnounce(List.of(address))
                .withBootstrap(bootstrap.stream().map(other -> DialTarget.peerAt(other.id(), other.address)).toList()));
        if (onlyEnvelopeVersions != null) {
            // A node from before version negotiation: takes only these, and its Hello says nothing
            // (nor that it forwards deposits).
            node.messenger().acceptEnvelopeVersionsOnly(onlyEnvelopeVersions);
            node.links().announceEnvelopeVersions(List.of());
            node.links().announceDepositForwarding(false);
        }
        links = node.links();
        discovery = node.discovery();
        dht = node.dht();
        messenger = node.messenger();
        mailbox = node.mailbox();
        router = node.gossip();
        groups = node.groups();
        node.start();
        running = true;
    }

    /** Stops as a killed process would: only what was committed remains. */
    void stop() {
        node.stop();
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
