package org.parley.groups;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.Direction;
import org.parley.link.Neighbours;
import org.parley.link.PeerInfo;
import org.parley.messaging.Messenger;
import org.parley.node.NodeAssembly;
import org.parley.node.NodeEnvironment;
import org.parley.node.NodeSettings;
import org.parley.overlay.gossip.GossipConfig;
import org.parley.overlay.gossip.GossipOverLinks;
import org.parley.overlay.gossip.GossipRouter;
import org.parley.proto.wire.v1.Frame;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;
import org.parley.store.ContentCipher;
import org.parley.store.Database;
import org.parley.store.InlineStorageQueue;

/**
 * One member's node for group tests: messenger, gossip router and groups on a real SQLite file and
 * the shared virtual loop, whose "links" are direct calls to the other test nodes; messenger and
 * groups opened and wired as the daemon's assembly opens them.
 */
final class GroupNode implements Neighbours {
    final Identity identity;
    final VirtualScheduler loop;
    final Path databaseFile;
    final byte[] contentKey = new byte[32];
    final Map<PeerId, GroupNode> links = new LinkedHashMap<>();
    final Map<PeerId, Double> penalties = new HashMap<>();
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
        random.nextBytes(contentKey);
        open();
    }

    /** Opens (or reopens, as after a restart) everything from the database. */
    void open() {
        database = Database.open(databaseFile);
        NodeEnvironment environment = NodeEnvironment.builder(identity, loop, loop)
                .randomness(() -> new SeededRng(seed), new SecureRandom())
                .storage(new InlineStorageQueue(database), contentKey)
                .build();
        ContentCipher cipher = NodeAssembly.cipher(environment);
        messenger = NodeAssembly.openMessenger(environment, NodeSettings.defaults("test"), this, cipher);
        gossipHost = new GossipOverLinks(this);
        router = new GossipRouter(gossipHost, loop, loop, environment.rngs().get(), GossipConfig.defaults());
        gossipHost.attach(router);
        groups = NodeAssembly.openGroups(environment, messenger, gossipHost, router, this, cipher);
        gossipHost.addListener(delivery -> posts.add(delivery.payload()));
        groups.addListener(added::add);
        messenger.start();
        router.start();
        groups.start();
    }

    /** Stops as a crash would: nothing flushed beyond what was committed. */
    void crash() {
        for (GroupNode other : new ArrayList<>(links.values())) {
            unlink(this, other);
        }
        groups.stop();
        router.stop();
        messenger.stop();
        database.close();
    }

    PeerId id() {
        return identity.peerId();
    }

    static void link(GroupNode a, GroupNode b) {
        a.links.put(b.id(), b);
        b.links.put(a.id(), a);
        a.loop.execute(() -> a.connected(b, Direction.OUTBOUND));
        b.loop.execute(() -> b.connected(a, Direction.INBOUND));
    }

    static void linkAll(List<GroupNode> nodes) {
        for (int i = 0; i < nodes.size(); i++) {
            for (int j = i + 1; j < nodes.size(); j++) {
                link(nodes.get(i), nodes.get(j));
            }
        }
    }

    static void unlink(GroupNode a, GroupNode b) {
        a.links.remove(b.id());
        b.links.remove(a.id());
        a.messenger.peerDisconnected(b.id());
        a.gossipHost.peerDisconnected(b.id());
        b.messenger.peerDisconnected(a.id());
        b.gossipHost.peerDisconnected(a.id());
    }

    private void connected(GroupNode other, Direction direction) {
        PeerInfo info = new PeerInfo(other.id(), "test", direction, 0, "test");
        messenger.peerConnected(info);
        gossipHost.peerConnected(info);
        groups.peerConnected(info);
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

    @Override
    public boolean send(PeerId peer, Frame frame) {
        GroupNode other = links.get(peer);
        if (other == null) {
            return false;
        }
        PeerId from = identity.peerId();
        loop.execute(() -> {
            if (other.links.containsKey(from)) {
                other.messenger.frameReceived(from, frame);
                other.gossipHost.frameReceived(from, frame);
            }
        });
        return true;
    }

    @Override
    public boolean isConnected(PeerId peer) {
        return links.containsKey(peer);
    }

    @Override
    public List<PeerId> linkedPeers() {
        return List.copyOf(links.keySet());
    }

    @Override
    public void penalize(PeerId peer, double points, String reason) {
        penalties.merge(peer, points, Double::sum);
    }
}
