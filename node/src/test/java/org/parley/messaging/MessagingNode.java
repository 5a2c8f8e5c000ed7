package org.parley.messaging;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.EmbeddedLinks;
import org.parley.node.NodeAssembly;
import org.parley.node.NodeEnvironment;
import org.parley.node.NodeSettings;
import org.parley.proto.wire.v1.Frame;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;
import org.parley.store.Database;
import org.parley.store.InlineStorageQueue;
import org.parley.store.StorageQueue;

/**
 * A messenger with a real SQLite file, on a virtual loop, on embedded links paired with the other
 * test nodes': the messaging protocol with nothing else in the way, opened as the daemon's
 * assembly opens it.
 */
final class MessagingNode {
    final Identity identity;
    final VirtualScheduler loop;
    final Path databaseFile;
    final byte[] contentKey = new byte[32];
    /** The node's links, paired with the other test nodes'; each incarnation's messenger is wired to them anew. */
    final EmbeddedLinks links;
    /** Penalties this node gave, per peer, over all its incarnations. */
    final Map<PeerId, Double> penalties;
    /** Every frame this node's messenger sent, linked or not, over all its incarnations. */
    final List<Frame> sent;
    final List<MessageRecord> added = new ArrayList<>();
    final List<MessageRecord> updated = new ArrayList<>();
    /** Peers to whom what this node sends is lost on the way. */
    final Set<PeerId> dropping;
    final MessagingConfig config;
    Database database;
    Messenger messenger;
    /** Wraps the storage queue at the next {@link #open()}; identity by default. */
    java.util.function.UnaryOperator<StorageQueue> storageWrapper = storage -> storage;

    MessagingNode(String name, VirtualScheduler loop, Path directory, SecureRandom random) {
        this(name, loop, directory, random, MessagingConfig.defaults());
    }

    MessagingNode(String name, VirtualScheduler loop, Path directory, SecureRandom random, MessagingConfig config) {
        this(Identity.generate(name, random), name, loop, directory, random, config);
    }

    /** A node with an existing identity, on a database file of its own (as after losing its state). */
    MessagingNode(Identity identity, String databaseName, VirtualScheduler loop, Path directory, SecureRandom random,
                  MessagingConfig config) {
        this.config = config;
        this.identity = identity;
        this.loop = loop;
        this.databaseFile = directory.resolve(databaseName + ".db");
        this.links = new EmbeddedLinks(identity.peerId());
        this.penalties = links.penalties();
        this.sent = links.sendLog();
        this.dropping = links.lossy();
        random.nextBytes(contentKey);
        open();
    }

    /** Opens (or reopens, as after a restart) the messenger from the database. */
    void open() {
        links.stopNode(); // a new incarnation: the last one's links and layers are gone, whatever stopped it
        database = Database.open(databaseFile);
        NodeEnvironment environment = NodeEnvironment.builder(identity, loop, loop)
                .randomness(() -> new SeededRng(0), new SecureRandom())
                .storage(storageWrapper.apply(new InlineStorageQueue(database)), contentKey)
                .build();
        messenger = NodeAssembly.openMessenger(environment, NodeSettings.defaults("test").withStampBits(TestSealing.BITS).withMessaging(config), links,
                NodeAssembly.cipher(environment));
        links.addLayer(messenger);
        messenger.addListener(new MessagingEvents() {
            @Override
            public void messageAdded(MessageRecord message) {
                added.add(message);
            }

            @Override
            public void messageUpdated(MessageRecord message) {
                updated.add(message);
            }
        });
        messenger.start();
    }

    /** Stops as a crash would: nothing flushed beyond what was committed. */
    void crash() {
        messenger.stop();
        database.close();
        links.stopNode();
    }

    PeerId id() {
        return identity.peerId();
    }

    static void link(MessagingNode a, MessagingNode b) {
        a.loop.execute(() -> EmbeddedLinks.pair(a.links, b.links, a.loop));
    }

    /** Each adds the other as a contact (so each acknowledges the other's messages). */
    static void befriend(MessagingNode a, MessagingNode b) {
        a.messenger.addContact(b.id(), "b");
        b.messenger.addContact(a.id(), "a");
        a.loop.runUntilIdle();
    }

    static void unlink(MessagingNode a, MessagingNode b) {
        a.links.close(b.id());
    }

    /** Sends and waits (virtually) until the message is accepted. */
    MessageRecord send(PeerId to, String text) {
        CompletableFuture<MessageRecord> accepted = messenger.send(to, text);
        loop.runUntilIdle();
        return accepted.join();
    }

    List<MessageRecord> history(PeerId peer) {
        CompletableFuture<List<MessageRecord>> history = messenger.history(peer, 10_000, java.util.Optional.empty());
        loop.runUntilIdle();
        return history.join();
    }
}
