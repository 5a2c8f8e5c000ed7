package org.parley.it;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.HostPort;
import org.parley.link.LinkConfig;
import org.parley.link.LinkManager;
import org.parley.link.tls.TlsGrpcNetwork;
import org.parley.runtime.EventLoop;
import org.parley.runtime.SeededRng;
import org.parley.runtime.SystemClock;

/**
 * A node of an in-process TLS test, as in the daemon: an identity, its own event loop, and a link
 * manager on real TLS gRPC. Subclasses start their services on top (on the loop) and stop them
 * in {@link #stopServices}.
 */
abstract class TlsTestNode {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    final Identity identity;
    final EventLoop loop = new EventLoop("test-loop");
    final TlsGrpcNetwork network;
    final LinkManager links;
    private boolean stopped;

    TlsTestNode(Identity identity, HostPort listen, LinkConfig config) throws Exception {
        this.identity = identity;
        this.network = new TlsGrpcNetwork(identity, listen, config, loop);
        this.links = new LinkManager(identity.peerId(), network, loop, SystemClock.INSTANCE, SeededRng.fromEntropy(),
                config, "test");
    }

    PeerId id() {
        return identity.peerId();
    }

    HostPort listenAddress() throws Exception {
        return call(() -> links.listenAddresses().get(0));
    }

    /** Runs {@code work} on the node's loop and waits for its answer. */
    <T> T call(Callable<T> work) throws Exception {
        return OnLoop.call(loop, work, CALL_TIMEOUT);
    }

    /** Stops what the subclass started on the links; runs on the loop, before the links stop. */
    void stopServices() {
    }

    final void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            call(() -> {
                stopServices();
                links.stop();
                return null;
            });
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        loop.close();
    }
}
