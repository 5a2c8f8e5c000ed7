package org.parley.link.tls;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.link.Backoff;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.link.LinkConfig;
import org.parley.link.LinkListener;
import org.parley.link.LinkManager;
import org.parley.link.Network;
import org.parley.runtime.EventLoop;
import org.parley.runtime.SeededRng;
import org.parley.runtime.SystemClock;

/**
 * A node told to keep a link to its own address (a bootstrap list naming itself) learns over real
 * TLS that it reached itself, and stops dialing. Over TLS a dialing end is up only once greeted, so
 * this needs the answering end to greet before it closes the link to itself.
 */
class SelfDialOverTlsTest {
    private static final LinkConfig CONFIG = LinkConfig.defaults()
            .withRedial(new Backoff(Duration.ofMillis(20), Duration.ofMillis(40)));

    @Test
    void aNodeThatDialsItsOwnAddressStopsAfterLearningItIsItself() throws Exception {
        Identity identity = Identity.generate("narcissus", new SecureRandom());
        try (EventLoop loop = new EventLoop("self-dial")) {
            CountingNetwork network = new CountingNetwork(
                    new TlsGrpcNetwork(identity, new HostPort("127.0.0.1", 0), CONFIG, loop));
            LinkManager manager = new LinkManager(identity.peerId(), network, loop, SystemClock.INSTANCE,
                    SeededRng.fromEntropy(), CONFIG, "test");
            CountDownLatch started = new CountDownLatch(1);
            loop.execute(() -> {
                manager.start();
                manager.keepLinkTo(DialTarget.anyPeerAt(network.listenAddresses().get(0)));
                started.countDown();
            });
            assertTrue(started.await(10, TimeUnit.SECONDS));
            try {
                assertTrue(network.linksToSelf.await(20, TimeUnit.SECONDS), "the dial reached the node itself");
                // With a 20-40 ms backoff, a node that did not learn would dial again within 40 ms.
                assertFalse(network.secondDial.await(1, TimeUnit.SECONDS),
                        "dialed its own address " + network.dials.get() + " times");
            } finally {
                loop.execute(manager::stop);
            }
        }
    }

    /** The TLS network, counting dials and links that lead back to the node itself. */
    private static final class CountingNetwork implements Network {
        private final TlsGrpcNetwork delegate;
        final AtomicInteger dials = new AtomicInteger();
        final CountDownLatch secondDial = new CountDownLatch(2);
        final CountDownLatch linksToSelf = new CountDownLatch(2);

        CountingNetwork(TlsGrpcNetwork delegate) {
            this.delegate = delegate;
        }

        @Override
        public void start(LinkListener listener) {
            delegate.start(new LinkListener() {
                @Override
                public void linkUp(org.parley.link.Link link) {
                    linksToSelf.countDown();
                    listener.linkUp(link);
                }

                @Override
                public void frameReceived(org.parley.link.Link link, org.parley.proto.wire.v1.Frame frame) {
                    listener.frameReceived(link, frame);
                }

                @Override
                public void linkDown(org.parley.link.Link link, String reason) {
                    listener.linkDown(link, reason);
                }

                @Override
                public void dialFailed(DialTarget target, String reason) {
                    listener.dialFailed(target, reason);
                }
            });
        }

        @Override
        public List<HostPort> listenAddresses() {
            return delegate.listenAddresses();
        }

        @Override
        public void dial(DialTarget target) {
            dials.incrementAndGet();
            secondDial.countDown();
            delegate.dial(target);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
