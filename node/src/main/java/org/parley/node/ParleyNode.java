package org.parley.node;

import java.security.SecureRandom;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Logger;
import org.parley.api.ApiException;
import org.parley.api.ParleyApi;
import org.parley.identity.Identity;
import org.parley.identity.Keystore;
import org.parley.identity.PeerId;
import org.parley.link.HostPort;
import org.parley.link.LinkManager;
import org.parley.link.Network;
import org.parley.link.tls.TlsGrpcNetwork;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.parley.groups.Groups;
import org.parley.mailbox.ClosestKnownPeers;
import org.parley.mailbox.Mailbox;
import org.parley.mailbox.MessengerOutbox;
import org.parley.messaging.ContactRecord;
import org.parley.messaging.MessagingConfig;
import org.parley.messaging.Messenger;
import org.parley.messaging.OffLoopEnvelopeVerifier;
import org.parley.overlay.dht.DhtConfig;
import org.parley.overlay.dht.DhtService;
import org.parley.overlay.discovery.Discovery;
import org.parley.overlay.discovery.DiscoveryConfig;
import org.parley.overlay.gossip.GossipConfig;
import org.parley.overlay.gossip.GossipOverLinks;
import org.parley.overlay.gossip.GossipRouter;
import org.parley.runtime.EventLoop;
import org.parley.runtime.Scheduler;
import org.parley.runtime.SeededRng;
import org.parley.runtime.SystemClock;
import org.parley.store.ContentCipher;
import org.parley.store.Database;
import org.parley.store.GroupCommitQueue;
import org.parley.store.ProfileHome;
import org.parley.store.StoreException;

/**
 * One running node: the composition root that wires the real runtime (event loop, system clock,
 * entropy, TLS network) into the protocol layers and exposes them as a {@link ParleyApi}. Used by
 * the daemon and, in process, by the TUI.
 */
public final class ParleyNode implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ParleyNode.class.getName());

    /** What this node tells its neighbours it runs. */
    public static final String AGENT = "parley/0.1.0";
    /**
     * Time to link up before our record is first published to the DHT. Peer exchange spreads it
     * meanwhile; publishing dials the k closest peers, so it waits until the node knows many.
     */
    private static final Duration FIRST_PUBLICATION = Duration.ofMinutes(1);

    private final Identity identity;
    private final EventLoop loop;
    private final ExecutorService verifier;
    private final GroupCommitQueue storage;
    private final Database database;
    private final LinkManager links;
    private final Messenger messenger;
    private final Discovery discovery;
    private final DhtService dht;
    private final GossipRouter gossip;
    private final Groups groups;
    private final PeerReacher reacher;
    private final Mailbox mailbox;
    private final LocalApi api;

    private ParleyNode(Identity identity, EventLoop loop, ExecutorService verifier, GroupCommitQueue storage,
                       Database database, LinkManager links, Messenger messenger, Discovery discovery, DhtService dht,
                       GossipRouter gossip, Groups groups, PeerReacher reacher, Mailbox mailbox,
                       WatchHub watchers) {
        this.identity = identity;
        this.loop = loop;
        this.verifier = verifier;
        this.storage = storage;
        this.database = database;
        this.links = links;
        this.messenger = messenger;
        this.discovery = discovery;
        this.dht = dht;
        this.gossip = gossip;
        this.groups = groups;
        this.reacher = reacher;
        this.mailbox = mailbox;
        this.api = new LocalApi(identity, loop, links, messenger, dht, mailbox, groups, watchers);
    }

    /**
     * Starts a node on the real network with the profile's database: listens, then keeps links to
     * the bootstrap peers and to the neighbours it remembers.
     *
     * @throws ApiException when it cannot listen (address in use, not a local address) or the
     *     database cannot be opened
     */
    public static ParleyNode start(Keystore.Unlocked profile, ProfileHome home, NodeOptions options)
            throws ApiException {
        Identity identity = profile.identity();
        return start(identity, profile.contentKey(), home, options,
                loop -> new TlsGrpcNetwork(identity, options.listen(), options.links(), loop));
    }

    /**
     * Starts a node from an identity and content key held in memory (no keystore), on the real
     * network: for benchmarks and tools that make throwaway nodes.
     */
    public static ParleyNode startUnlocked(Identity identity, byte[] contentKey, ProfileHome home, NodeOptions options)
            throws ApiException {
        return start(identity, contentKey, home, options,
                loop -> new TlsGrpcNetwork(identity, options.listen(), options.links(), loop));
    }

    /** Starts a node on the given network (tests use the in-memory one). */
    static ParleyNode start(Identity identity, byte[] contentKey, ProfileHome home, NodeOptions options,
                            Function<Scheduler, Network> networkFactory) throws ApiException {
        Database database;
        try {
            database = Database.open(home.database());
        } catch (StoreException e) {
            throw new ApiException(e.getMessage(), e);
        }
        GroupCommitQueue storage = new GroupCommitQueue(database);
        EventLoop loop = new EventLoop("parley-loop");
        // Envelope signatures are checked here rather than on the loop: one thread, so that they
        // come back to the loop in the order they arrived.
        ExecutorService verifier = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "parley-verifier");
            thread.setDaemon(true);
            return thread;
        });
        Network network = networkFactory.apply(loop);
        LinkManager links = new LinkManager(identity.peerId(), network, loop, SystemClock.INSTANCE,
                SeededRng.fromEntropy(), options.links(), AGENT);
        SecureRandom random = new SecureRandom();
        ContentCipher cipher = new ContentCipher(contentKey, random);
        GossipOverLinks gossipHost = new GossipOverLinks(links);
        GossipRouter gossip = new GossipRouter(gossipHost, loop, SystemClock.INSTANCE, SeededRng.fromEntropy(),
                GossipConfig.defaults());
        gossipHost.attach(gossip);
        Messenger messenger;
        Groups groups;
        try {
            messenger = Messenger.open(identity, links, storage, cipher, loop, SystemClock.INSTANCE, random,
                    MessagingConfig.defaults());
            messenger.verifyEnvelopesWith(new OffLoopEnvelopeVerifier(verifier, loop));
            groups = Groups.open(identity, messenger, gossip, links, storage, cipher, loop, SystemClock.INSTANCE,
                    random);
        } catch (RuntimeException e) {
            storage.close();
            database.close();
            loop.close();
            verifier.shutdownNow();
            throw new ApiException("cannot load messages: " + e.getMessage(), e);
        }
        DiscoveryConfig discoveryConfig = DiscoveryConfig.defaults().withTargetLinks(options.targetLinks());
        Discovery discovery = new Discovery(identity, links, loop, SystemClock.INSTANCE, SeededRng.fromEntropy(),
                discoveryConfig, () -> announcedAddresses(options.announce(), network.listenAddresses()),
                messenger::ownBundle);
        links.addListener(discovery);
        DhtService dht = new DhtService(identity.peerId(), links, loop, SystemClock.INSTANCE, DhtConfig.defaults(),
                discovery);
        links.addListener(dht);
        PeerReacher reacher = new PeerReacher(links, dht, () -> waitingPeers(messenger, groups),
                record -> messenger.learnBundleFromRecord(record.peer(), record.bundle()), loop, SystemClock.INSTANCE,
                PeerReacher.CHECK_INTERVAL, PeerReacher.RETRY_AFTER);
        messenger.addListener(reacher);
        // Relayed links (see RelayWiring); private for now means: announcing no address.
        RelayWiring relaying = RelayWiring.attach(network, links, loop, SystemClock.INSTANCE, options.relay(), discovery,
                reacher, () -> announcedAddresses(options.announce(), network.listenAddresses()).isEmpty());
        Mailbox mailbox = Mailbox.open(identity, links, loop, SystemClock.INSTANCE, options.mailbox(),
                new ClosestKnownPeers(dht, discovery, links), new MessengerOutbox(messenger),
                messenger::takeRelayed, storage, peer -> isContact(messenger, peer), discovery::announceRelays);
        messenger.carryOfflineWith(mailbox::carry);
        groups.depositPostsWith(mailbox::depositGroupPost);
        mailbox.fetchGroupPostsFor(groups::joinedTopics, groups::receiveMailedPosts);
        links.addListener(mailbox);
        links.redialUrgentlyBelow(discoveryConfig.targetLinks());
        WatchHub watchers = new WatchHub();
        messenger.addListener(LocalApi.eventsTo(watchers));
        PeerMemory memory = new PeerMemory(storage, SystemClock.INSTANCE);
        links.addListener(memory);
        links.addListener(messenger);
        links.addListener(gossipHost);
        links.addListener(groups);
        messenger.addGroupControlListener(groups);
        gossipHost.addListener(groups);
        groups.addListener(LocalApi.groupEventsTo(watchers));
        ParleyNode node = new ParleyNode(identity, loop, verifier, storage, database, links, messenger, discovery,
                dht, gossip, groups, reacher, mailbox, watchers);
        try {
            LoopCalls.call(loop, () -> {
                links.start();
                messenger.start();
                gossip.start();
                groups.start();
                discovery.start();
                dht.start(FIRST_PUBLICATION);
                reacher.start();
                relaying.start();
                mailbox.start();
                options.bootstrap().forEach(links::keepLinkTo);
                memory.redialRemembered(links, identity.peerId());
                return null;
            });
        } catch (ApiException e) {
            node.close();
            throw new ApiException("cannot listen on " + options.listen() + ": " + rootMessage(e), e);
        }
        LOG.info(() -> "node " + identity.peerId() + " listening on " + network.listenAddresses());
        return node;
    }

    public ParleyApi api() {
        return api;
    }

    public Identity identity() {
        return identity;
    }

    public List<String> listenAddresses() throws ApiException {
        return api.identity().listenAddresses();
    }

    /** Closes every link and stops the loop. */
    @Override
    public void close() {
        try {
            LoopCalls.call(loop, () -> {
                reacher.stop();
                mailbox.stop();
                groups.stop();
                gossip.stop();
                dht.stop();
                discovery.stop();
                messenger.stop();
                links.stop();
                return null;
            });
        } catch (ApiException e) {
            LOG.warning("stopping the node: " + e.getMessage());
        }
        loop.close();
        verifier.shutdownNow();
        storage.close();
        database.close();
        LOG.info("node stopped");
    }

    /** A peer the user added (and has not blocked): only its offers to relay our mail are accepted. */
    static boolean isContact(Messenger messenger, PeerId peer) {
        return messenger.contacts().stream()
                .anyMatch(contact -> contact.peer().equals(peer) && contact.status().equals(ContactRecord.CONTACT));
    }

    /** Peers the outbox or the group layer waits for: the reacher looks them up and dials them. */
    private static Set<PeerId> waitingPeers(Messenger messenger, Groups groups) {
        Set<PeerId> waiting = new HashSet<>(messenger.waitingPeers());
        waiting.addAll(groups.waitingPeers());
        return waiting;
    }

    /**
     * What the node's record says it listens on: the addresses it was told to announce, else its
     * listen addresses except wildcard ones (0.0.0.0, ::), which tell a peer nothing about where
     * to dial.
     */
    static List<String> announcedAddresses(List<HostPort> announce, List<HostPort> listening) {
        List<HostPort> addresses = announce.isEmpty() ? listening : announce;
        return addresses.stream()
                .filter(address -> !address.host().equals("0.0.0.0") && !address.host().equals("::"))
                .map(HostPort::toString)
                .toList();
    }

    private static String rootMessage(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
