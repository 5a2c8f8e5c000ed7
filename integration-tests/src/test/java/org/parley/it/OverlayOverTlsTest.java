package org.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.link.LinkConfig;
import org.parley.messaging.PrekeyBundles;
import org.parley.overlay.dht.DhtConfig;
import org.parley.overlay.dht.DhtService;
import org.parley.overlay.dht.LookupResult;
import org.parley.overlay.discovery.Discovery;
import org.parley.overlay.discovery.DiscoveryConfig;
import org.parley.overlay.gossip.GossipConfig;
import org.parley.overlay.gossip.GossipOverLinks;
import org.parley.overlay.gossip.GossipRouter;
import org.parley.proto.wire.v1.PrekeyBundle;
import org.parley.runtime.SeededRng;
import org.parley.runtime.SystemClock;

/**
 * The overlay on real TLS gRPC links on loopback: twenty nodes all started from one bootstrap
 * node, which then stops. The rest must still find each other by lookup and still carry a topic
 * message to every subscriber: no single point of failure.
 */
class OverlayOverTlsTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TOPIC = "everyone";

    private final List<OverlayNode> nodes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        nodes.forEach(OverlayNode::stop);
    }

    @Test
    void twentyNodesLoseTheirBootstrapAndStillFindEachOtherAndDeliver() throws Exception {
        OverlayNode bootstrap = new OverlayNode(Identity.generate("bootstrap", RANDOM));
        nodes.add(bootstrap);
        HostPort entry = bootstrap.listenAddress();
        for (int i = 1; i < 20; i++) {
            OverlayNode node = new OverlayNode(Identity.generate("node" + i, RANDOM));
            nodes.add(node);
            node.call(() -> {
                node.links.keepLinkTo(DialTarget.peerAt(bootstrap.id(), entry));
                return null;
            });
        }
        List<OverlayNode> rest = nodes.subList(1, nodes.size());
        for (OverlayNode node : rest) {
            await(() -> node.call(() -> node.links.linkedPeers().size() >= 3 && node.discovery.knownPeers() >= 15),
                    node.id().shortForm() + " linked and knowing the network");
        }

        bootstrap.stop();
        for (OverlayNode node : rest) {
            await(() -> node.call(() -> !node.links.linkedPeers().isEmpty()
                    && !node.links.linkedPeers().contains(bootstrap.id())), node.id().shortForm() + " without bootstrap");
        }

        for (int i = 0; i < rest.size(); i++) {
            OverlayNode from = rest.get(i);
            OverlayNode target = rest.get((i + 7) % rest.size());
            LookupResult found = from.call(() -> from.dht.lookup(target.id())).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(found.record().isPresent(), from.id().shortForm() + " finds " + target.id().shortForm());
            assertEquals(target.listenAddress(), found.record().get().addresses().get(0));
        }

        for (OverlayNode node : rest) {
            await(() -> node.call(() -> !node.router.meshPeers(TOPIC).isEmpty()), node.id().shortForm() + " in a mesh");
        }
        List<String> sent = new ArrayList<>();
        for (int m = 0; m < 3; m++) {
            OverlayNode publisher = rest.get(m * 5);
            String text = "topic message " + m;
            sent.add(text);
            publisher.call(() -> publisher.router.publish(TOPIC, text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        for (int m = 0; m < sent.size(); m++) {
            String text = sent.get(m);
            OverlayNode publisher = rest.get(m * 5);
            for (OverlayNode node : rest) {
                if (node != publisher) {
                    await(() -> node.received.contains(text), node.id().shortForm() + " receives '" + text + "'");
                }
            }
        }
    }

    private static void await(Callable<Boolean> condition, String what) throws Exception {
        OnLoop.await(condition, what, WAIT);
    }

    /** The daemon's overlay (links, discovery, DHT, gossip) on TLS, with its own event loop. */
    private static final class OverlayNode extends TlsTestNode {
        final Discovery discovery;
        final DhtService dht;
        final GossipRouter router;
        final Set<String> received = ConcurrentHashMap.newKeySet();

        OverlayNode(Identity identity) throws Exception {
            super(identity, new HostPort("127.0.0.1", 0), LinkConfig.defaults());
            PrekeyBundle bundle = PrekeyBundles.throwaway(identity, RANDOM, System.currentTimeMillis());
            discovery = new Discovery(identity, links, loop, SystemClock.INSTANCE, SeededRng.fromEntropy(),
                    DiscoveryConfig.defaults().withTargetLinks(4),
                    () -> network.listenAddresses().stream().map(HostPort::toString).toList(), () -> bundle);
            dht = new DhtService(identity.peerId(), links, loop, SystemClock.INSTANCE, DhtConfig.defaults(), discovery);
            GossipOverLinks gossip = new GossipOverLinks(links);
            router = new GossipRouter(gossip, loop, SystemClock.INSTANCE, SeededRng.fromEntropy(),
                    GossipConfig.defaults());
            gossip.attach(router);
            gossip.addListener(delivery -> received.add(new String(delivery.payload(),
                    java.nio.charset.StandardCharsets.UTF_8)));
            links.addLayer(discovery);
            links.addLayer(dht);
            links.addLayer(gossip);
            call(() -> {
                links.start();
                discovery.start();
                dht.start(Duration.ofSeconds(5));
                router.start();
                router.subscribe(TOPIC);
                return null;
            });
        }

        @Override
        void stopServices() {
            router.stop();
            dht.stop();
            discovery.stop();
        }
    }
}
