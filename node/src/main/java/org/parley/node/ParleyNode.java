package org.parley.node;

import java.util.List;
import java.util.function.Function;
import java.util.logging.Logger;
import org.parley.api.ApiException;
import org.parley.api.ParleyApi;
import org.parley.identity.Identity;
import org.parley.link.LinkManager;
import org.parley.link.Network;
import org.parley.link.tls.TlsGrpcNetwork;
import org.parley.runtime.EventLoop;
import org.parley.runtime.Scheduler;
import org.parley.runtime.SeededRng;
import org.parley.runtime.SystemClock;

/**
 * One running node: the composition root that wires the real runtime (event loop, system clock,
 * entropy, TLS network) into the protocol layers and exposes them as a {@link ParleyApi}. Used by
 * the daemon and, in process, by the TUI.
 */
public final class ParleyNode implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ParleyNode.class.getName());

    /** What this node tells its neighbours it runs. */
    public static final String AGENT = "parley/0.1.0";

    private final Identity identity;
    private final EventLoop loop;
    private final LinkManager links;
    private final LocalApi api;

    private ParleyNode(Identity identity, EventLoop loop, LinkManager links) {
        this.identity = identity;
        this.loop = loop;
        this.links = links;
        this.api = new LocalApi(identity, loop, links);
    }

    /**
     * Starts a node on the real network: listens, then keeps links to the bootstrap peers.
     *
     * @throws ApiException when it cannot listen (address in use, not a local address)
     */
    public static ParleyNode start(Identity identity, NodeOptions options) throws ApiException {
        return start(identity, options, loop -> new TlsGrpcNetwork(identity, options.listen(), options.links(), loop));
    }

    /** Starts a node on the given network (tests use the in-memory one). */
    static ParleyNode start(Identity identity, NodeOptions options, Function<Scheduler, Network> networkFactory)
            throws ApiException {
        EventLoop loop = new EventLoop("parley-loop");
        Network network = networkFactory.apply(loop);
        LinkManager links = new LinkManager(identity.peerId(), network, loop, SystemClock.INSTANCE,
                SeededRng.fromEntropy(), options.links(), AGENT);
        ParleyNode node = new ParleyNode(identity, loop, links);
        try {
            LoopCalls.call(loop, () -> {
                links.start();
                options.bootstrap().forEach(links::keepLinkTo);
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
                links.stop();
                return null;
            });
        } catch (ApiException e) {
            LOG.warning("stopping the link layer: " + e.getMessage());
        }
        loop.close();
        LOG.info("node stopped");
    }

    private static String rootMessage(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
