package org.parley.groups;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.EmbeddedLinks;
import org.parley.messaging.Messenger;
import org.parley.messaging.TestSealing;
import org.parley.node.NodeAssembly;
import org.parley.node.NodeEnvironment;
import org.parley.node.NodeSettings;
import org.parley.overlay.gossip.GossipConfig;
import org.parley.overlay.gossip.GossipOverLinks;
import org.parley.overlay.gossip.GossipRouter;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;
import org.parley.store.ContentCipher;
import org.parley.store.Database;
import org.parley.store.InlineStorageQueue;

/**
 * One member's node for group tests: messenger, gossip router and groups on a real SQLite file and
 * the shared virtual loop, on embedded links paired with the other test nodes'; messenger and
 * groups opened and wired as the daemon's assembly opens and wires them.
 */
final class GroupNode {
    final Identity identity;
    final VirtualScheduler loop;
    final Path databaseFile;
    final byte[] contentKey = new byte[32];
    /** The node's links, paired with the other test nodes'; each incarnation's layers are wired to them anew. */
    final EmbeddedLinks links;
    final Map<PeerId, Double> penalties;
    final List<GroupMessageRecord> added = new ArrayList<>();
    /** Every post the gossip router handed up here, as it travelled. */
    final List<byte[]> posts = new ArrayList<>();
    private final int seed;
    Database database;
    Messenger messenger;
    GossipOverLinks gossipHost;
    GossipRouter router;
    Groups groups;

    GroupNode(String name, int seed, VirtualScheduler loop, Path directory, SecureRandom random) {
        this.identity = Identity.generate(name, random);
        this.seed = seed;
        this.loop = loop;
        this.databaseFile = directory.resolve(name + ".db");
        this.links = new EmbeddedLinks(identity.peerId());
        this.penalties = links.penalties();
        random.nextBytes(contentKey);
        open();
    }

    /** Opens (or reopens, as after a restart) everything from the database. */
    void open() {
        links.stopNode(); // a new incarnation: the last one's links and layers are gone, whatever stopped it
        database = Database.open(databaseFile);
        NodeEnvironment environment = NodeEnvironment.builder(identity, loop, loop)
                .randomness(() -> new SeededRng(seed), new SecureRandom())
                .storage(new InlineStorageQueue(database), contentKey)
                .build();
        ContentCipher cipher = NodeAssembly.cipher(environment);
        messenger = NodeAssembly.openMessenger(environment, NodeSettings.defaults("test").withStampBits(TestSealing.BITS), links,
                cipher);
        gossipHost = new GossipOverLinks(links);
        router = new GossipRouter(gossipHost, loop, loop, environment.rngs().get(), GossipConfig.defaults());
        gossipHost.attach(router);
        groups = NodeAssembly.openGroups(environment, messenger, gossipHost, router, links, cipher);
        links.addLayer(messenger);
        links.addLayer(gossipHost);
        links.addListener(groups);
        gossipHost.addListener(delivery -> posts.add(delivery.payload()));
        groups.addListener(added::add);
        messenger.start();
        router.start();
        groups.start();
    }

    /** Stops as a crash would: nothing flushed beyond what was committed. */
    void crash() {
        links.stopNode();
        groups.stop();
        router.stop();
        messenger.stop();
        database.close();
    }

    PeerId id() {
        return identity.peerId();
    }

    static void link(GroupNode a, GroupNode b) {
        a.loop.execute(() -> EmbeddedLinks.pair(a.links, b.links, a.loop));
    }

    static void linkAll(List<GroupNode> nodes) {
        for (int i = 0; i < nodes.size(); i++) {
            for (int j = i + 1; j < nodes.size(); j++) {
                link(nodes.get(i), nodes.get(j));
            }
        }
    }

    static void unlink(GroupNode a, GroupNode b) {
        a.links.close(b.id());
    }

    /** Runs a request on the loop and waits (virtually) for its answer. */
    <T> T await(CompletableFuture<T> request) {
        loop.runUntilIdle();
        return request.join();
    }

    List<GroupMessageRecord> history(GroupId group) {
        return await(groups.history(group, 1000, java.util.Optional.empty()));
    }

    List<String> entryIds(GroupId group) {
        return history(group).stream().map(GroupMessageRecord::entryId).toList();
    }
}
