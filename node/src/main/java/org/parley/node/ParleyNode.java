package org.parley.node;

import java.io.IOException;
import java.nio.file.Path;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Logger;
import org.parley.api.ApiException;
import org.parley.api.ParleyApi;
import org.parley.identity.Identity;
import org.parley.identity.Keystore;
import org.parley.link.HostPort;
import org.parley.link.Network;
import org.parley.link.portmap.RouterPortMapper;
import org.parley.link.tls.TlsGrpcNetwork;
import org.parley.groups.OffLoopPostVerifier;
import org.parley.messaging.OffLoopEnvelopeVerifier;
import org.parley.runtime.EventLoop;
import org.parley.runtime.Scheduler;
import org.parley.runtime.SeededRng;
import org.parley.runtime.SystemClock;
import org.parley.store.Database;
import org.parley.store.GroupCommitQueue;
import org.parley.store.ProfileHome;
import org.parley.files.DiskProofStore;
import org.parley.files.FileTransfers;
import org.parley.store.StoreException;

/**
 * One running node: the daemon's environment (event loop, system clock, entropy, TLS network,
 * group-commit queue, verifier thread) handed to {@link NodeAssembly}, and the node it builds
 * exposed as a {@link ParleyApi}. Used by
 * the daemon and, in process, by the TUI.
 */
public final class ParleyNode implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ParleyNode.class.getName());

    /**
     * Longest the start on the loop may take: it binds the listen socket and brings up TLS and
     * gRPC for the first time in the process, which on a busy machine takes longer than the 10 s
     * an API call gets (seen at 16 s with two cores shared by many processes).
     */
    /** Workers checking inbound envelopes: one per core, at most four (a node's other threads need the rest). */
    private static final int VERIFIER_THREADS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    /** Longest a stopping node waits for the router to remove its port mapping. */
    private static final Duration PORT_MAPPING_REMOVAL = Duration.ofSeconds(5);

    /** What this node tells its neighbours it runs. */
    public static final String AGENT = "parley/0.1.0";

    private final Identity identity;
    private final EventLoop loop;
    private final ExecutorService verifier;
    private final GroupCommitQueue storage;
    private final Database database;
    private final AssembledNode node;
    private final LoopCalls calls;
    private final LocalApi api;
    /** Files sent and fetched; set once the node is put together. */
    private FileTransfers files;
    /** Where chunks are read, written and checked ({@code parley-files}). */
    private ExecutorService fileDisk;
    private ExecutorService fileSyncs;
    /** Where the router is asked for a port mapping (blocking calls); null when the node maps none. */
    private ExecutorService portMapping;

    private ParleyNode(Identity identity, EventLoop loop, ExecutorService verifier, GroupCommitQueue storage,
                       Database database, AssembledNode node, WatchHub watchers, Duration apiTimeout) {
        this.identity = identity;
        this.loop = loop;
        this.verifier = verifier;
        this.storage = storage;
        this.database = database;
        this.node = node;
        this.calls = new LoopCalls(loop, apiTimeout);
        this.api = new LocalApi(identity, calls, node.links(), node.messenger(), node.dht(), node.mailbox(),
                node.groups(), watchers);
        api.reportReachability(node.reachability());
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

    /**
     * Starts a node on the given network (tests use the in-memory one): the daemon's environment
     * (event loop, system clock, entropy, group-commit queue, verifier thread) put together here,
     * the node itself built by {@link NodeAssembly}.
     */
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
        // Envelope signatures are checked and sealed envelopes opened here rather than on the
        // loop, on one worker per core (the verifier keeps each neighbour's envelopes in order);
        // so are group posts' signatures (each group's posts in order).
        ExecutorService verifier = Executors.newFixedThreadPool(VERIFIER_THREADS, new ThreadFactory() {
            private final AtomicInteger made = new AtomicInteger();

            @Override
            public Thread newThread(Runnable runnable) {
                Thread thread = new Thread(runnable, "parley-verifier-" + made.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            }
        });
        NodeEnvironment environment = NodeEnvironment.builder(identity, loop, SystemClock.INSTANCE)
                .randomness(SeededRng::fromEntropy, new SecureRandom())
                .network(networkFactory)
                .storage(storage, contentKey)
                .verifier(new OffLoopEnvelopeVerifier(verifier, loop))
                .postVerifier(new OffLoopPostVerifier(verifier, loop))
                .build();
        AssembledNode assembled;
        try {
            assembled = NodeAssembly.assemble(environment, NodeSettings.of(options));
        } catch (RuntimeException e) {
            storage.close();
            database.close();
            loop.close();
            verifier.shutdownNow();
            throw new ApiException("cannot load messages: " + e.getMessage(), e);
        }
        ExecutorService fileDisk = daemonThread("parley-files");
        ExecutorService fileSyncs = daemonThread("parley-file-syncs");
        FileTransfers files;
        try {
            files = openFiles(environment, assembled, home, options, fileDisk, fileSyncs);
        } catch (IOException | RuntimeException e) {
            storage.close();
            database.close();
            loop.close();
            verifier.shutdownNow();
            fileDisk.shutdownNow();
            fileSyncs.shutdownNow();
            throw new ApiException("cannot open the files folder: " + e.getMessage(), e);
        }
        WatchHub watchers = new WatchHub();
        FileAttachments attachments = new FileAttachments(files);
        assembled.messenger().addListener(WatchFeeds.eventsTo(watchers, attachments));
        assembled.messenger().addListener(new OutboxEvents(assembled.messenger(), loop, watchers));
        assembled.groups().addListener(WatchFeeds.groupEventsTo(watchers, attachments));
        files.addListener(WatchFeeds.fileEventsTo(watchers));
        assembled.links().addListener(WatchFeeds.linkEventsTo(watchers));
        ParleyNode node = new ParleyNode(identity, loop, verifier, storage, database, assembled, watchers,
                options.apiTimeout());
        node.files = files;
        node.fileDisk = fileDisk;
        node.fileSyncs = fileSyncs;
        node.api.serveFilesWith(files);
        if (options.portMapping() && !isLoopback(options.listen())) {
            node.mapPortOnTheRouter();
        }
        try {
            node.calls.call(() -> {
                assembled.start();
                files.start();
                assembled.memory().redialRemembered(assembled.links(), identity.peerId());
                return null;
            }, STARTUP_TIMEOUT);
        } catch (ApiException e) {
            node.close();
            throw new ApiException("cannot listen on " + options.listen() + ": " + rootMessage(e), e);
        }
        LOG.info(() -> "node " + identity.peerId() + " listening on " + assembled.network().listenAddresses());
        return node;
    }

    /**
     * The file layer: proofs of partial downloads in the home's {@code files} folder, read and written on
     * {@code fileDisk}, forced on {@code fileSyncs}; downloads where the options say, else in the home's
     * {@code downloads}.
     */
    private static FileTransfers openFiles(NodeEnvironment environment, AssembledNode assembled, ProfileHome home,
                                           NodeOptions options, ExecutorService fileDisk, ExecutorService fileSyncs)
            throws IOException {
        Path downloads = options.downloads() != null ? options.downloads() : home.root().resolve("downloads");
        FileTransfers files = FileTransfers.open(environment.identity().peerId(), assembled.links(), environment.storage(),
                NodeAssembly.cipher(environment),
                environment.scheduler(), environment.clock(), environment.random(), fileDisk, fileSyncs,
                new DiskProofStore(home.root().resolve("files")), options.files(),
                downloads, assembled.messenger()::sendWithFile);
        assembled.links().addLayer(files);
        assembled.messenger().takeFileOffersWith(files);
        assembled.groups().takeFileOffersWith(files);
        files.postGroupOffersWith(assembled.groups()::sendWithFile);
        return files;
    }

    /** Keeps the listen port mapped on the router, the blocking calls on a thread of their own. */
    private void mapPortOnTheRouter() {
        portMapping = daemonThread("parley-portmap");
        node.reachability().mapPortWith(RouterPortMapper.onThisNetwork(new SecureRandom()), portMapping);
    }

    /** An executor of one daemon thread called {@code name}. */
    private static ExecutorService daemonThread(String name) {
        return Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** A node listening only on loopback cannot be reached from elsewhere, mapped or not. */
    private static boolean isLoopback(HostPort listen) {
        return listen.host().equals("localhost") || listen.host().startsWith("127.") || listen.host().equals("::1");
    }

    /**
     * The file layer, for the file benchmark, which seeds holders with one offer and follows the
     * download. Confined to the node's loop: call it there ({@link #onLoop}).
     */
    FileTransfers files() {
        return files;
    }

    /** Runs {@code task} on the node's loop. */
    void onLoop(Runnable task) {
        loop.execute(task);
    }

    /** Where the node stores (the group-commit queue): the file benchmark stores a seeded offer with it. */
    org.parley.store.StorageQueue storage() {
        return storage;
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
            calls.call(() -> {
                if (files != null) {
                    files.stop();
                }
                node.stop();
                return null;
            });
        } catch (ApiException e) {
            LOG.warning("stopping the node: " + e.getMessage());
        }
        loop.close();
        node.reachability().close();
        stopPortMapping();
        verifier.shutdownNow();
        if (fileDisk != null) {
            fileDisk.shutdownNow();
            fileSyncs.shutdownNow();
        }
        storage.close();
        database.close();
        LOG.info("node stopped");
    }

    /** Lets the router be told to remove our mapping (queued by the node's stop), then ends the thread. */
    private void stopPortMapping() {
        if (portMapping == null) {
            return;
        }
        portMapping.shutdown();
        try {
            if (!portMapping.awaitTermination(PORT_MAPPING_REMOVAL.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.info("the router did not confirm the mapping's removal in time; it lapses on its own");
                portMapping.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            portMapping.shutdownNow();
        }
    }

    private static String rootMessage(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
