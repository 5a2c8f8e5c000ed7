package org.parley.overlay.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.FrameHandler;
import org.parley.link.HostPort;
import org.parley.link.LinkConfig;
import org.parley.link.LinkManager;
import org.parley.link.memory.InMemoryFabric;
import org.parley.messaging.PrekeyBundles;
import org.parley.overlay.discovery.Discovery;
import org.parley.overlay.discovery.DiscoveryConfig;
import org.parley.proto.wire.v1.Frame;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;

/**
 * Proxied lookups between whole overlays (links, discovery, DHT, lookup proxy) on the in-memory
 * network: the peers near a target's key, and every peer the lookup asks, see the second hop ask,
 * never the node that wanted the record; the first hop never sees the target.
 */
class ProxiedLookupNetworkTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DhtConfig CONFIG = new DhtConfig(new RoutingTableConfig(6, 2, 2, 10),
            new LookupConfig(6, 3, 60), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3),
            Duration.ofSeconds(8), 8, 1024, Duration.ofMinutes(30), Duration.ofSeconds(30));
    private static final DiscoveryConfig SMALL_DISCOVERY = new DiscoveryConfig(4, 16, 2, 6, Duration.ofSeconds(5),
            Duration.ofMinutes(1), Duration.ofHours(24));

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    private final InMemoryFabric fabric = new InMemoryFabric();
    /** Every FindNode any node received: who sent it, and for which key. */
    private final List<Asked> findNodes = new ArrayList<>();
    /** Every proxied-lookup frame any node received. */
    private final List<Received> proxyFrames = new ArrayList<>();

    private record Asked(PeerId from, PeerId to, ByteString target) {
    }

    private record Received(PeerId from, PeerId to, Frame frame) {
    }

    @Test
    void peersNearTheTargetsKeySeeTheSecondHopAskNeverTheAskerAndTheFirstHopNeverSeesTheTarget() {
        List<Node> nodes = network(12, true);
        Node asker = nodes.get(7);
        // A network this small links nearly everyone: linked or not, the peers a lookup asks see who asks.
        Node target = nodes.get(2);
        findNodes.clear();
        proxyFrames.clear();

        // The newest record: asked of the network even where one is held, as the outbox's waits do.
        LookupResult result = await(asker.lookups.lookupNewest(target.id()));

        assertEquals(target.id(), result.record().orElseThrow().peer(), "the record comes back through the hops");
        assertEquals(target.address, result.record().get().addresses().get(0));
        ByteString key = ByteString.copyFrom(DhtKey.ofPeer(target.id()).toBytes());
        List<Asked> forTarget = findNodes.stream().filter(asked -> asked.target().equals(key)).toList();
        assertFalse(forTarget.isEmpty(), "someone looked the target up");
        assertTrue(forTarget.stream().noneMatch(asked -> asked.from().equals(asker.id())),
                "no peer is asked for the target's key by the asker: " + forTarget);
        Received handed = proxyFrames.stream().filter(received -> received.from().equals(asker.id())).findFirst()
                .orElseThrow();
        PeerId hop1 = handed.to();
        PeerId hop2 = PeerId.fromPublicKey(handed.frame().getLookupProxy().getQuestion().getNextHop().toByteArray());
        assertTrue(forTarget.stream().allMatch(asked -> asked.from().equals(hop2)),
                "every question for the target's key comes from the second hop: " + forTarget);
        assertTrue(forTarget.stream().noneMatch(asked -> asked.from().equals(hop1)), "the first hop asks nobody");
        ByteString targetId = ByteString.copyFrom(target.id().publicKey());
        for (Received received : proxyFrames) {
            if (received.to().equals(hop1) || received.from().equals(hop1)) {
                assertFalse(contains(received.frame().toByteString(), targetId),
                        "a frame the first hop passed on names the target");
            }
        }
        assertTrue(proxyFrames.stream().noneMatch(received -> received.to().equals(hop2)
                        && received.from().equals(asker.id())), "the second hop hears only from the first");

        // The same network and observation, looked up directly: the asker's link shows at once.
        Node other = nodes.get(3);
        findNodes.clear();
        await(asker.dht.lookupNewest(other.id()));
        ByteString otherKey = ByteString.copyFrom(DhtKey.ofPeer(other.id()).toBytes());
        assertTrue(findNodes.stream().anyMatch(asked -> asked.target().equals(otherKey)
                && asked.from().equals(asker.id())), "a direct lookup shows the asker to the peers it asks");
    }

    @Test
    void withoutTwoPeersThatTakeProxiedLookupsANodeLooksUpDirectlyAndStillFindsTheRecord() {
        List<Node> nodes = network(8, false);
        Node asker = nodes.get(3);
        Node target = nodes.get(5);
        findNodes.clear();

        LookupResult result = await(asker.lookups.lookupNewest(target.id()));

        assertEquals(target.id(), result.record().orElseThrow().peer());
        assertTrue(proxyFrames.isEmpty(), "nobody was asked to proxy: nobody said it would");
        ByteString key = ByteString.copyFrom(DhtKey.ofPeer(target.id()).toBytes());
        assertTrue(findNodes.stream().anyMatch(asked -> asked.target().equals(key) && asked.from().equals(asker.id())),
                "the fallback is the direct lookup");
    }

    private static boolean contains(ByteString haystack, ByteString needle) {
        for (int i = 0; i + needle.size() <= haystack.size(); i++) {
            if (haystack.substring(i, i + needle.size()).equals(needle)) {
                return true;
            }
        }
        return false;
    }

    private List<Node> network(int size, boolean proxying) {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            nodes.add(node(i, proxying));
        }
        for (Node node : nodes.subList(1, nodes.size())) {
            node.links.keepLinkTo(DialTarget.peerAt(nodes.get(0).id(), nodes.get(0).address));
        }
        loop.advance(Duration.ofMinutes(1));
        return nodes;
    }

    private LookupResult await(CompletableFuture<LookupResult> lookup) {
        for (int i = 0; i < 1000 && !lookup.isDone(); i++) {
            loop.advance(Duration.ofMillis(50));
        }
        assertTrue(lookup.isDone(), "the lookup ends");
        return lookup.join();
    }

    private Node node(int n, boolean proxying) {
        Identity identity = Identity.generate("node" + n, RANDOM);
        HostPort address = new HostPort("10.0." + n + ".1", 7000);
        LinkManager links = new LinkManager(identity.peerId(),
                fabric.endpoint(identity.peerId(), address, LinkConfig.defaults(), loop), loop, loop,
                new SeededRng(n), LinkConfig.defaults(), "test");
        links.announceLookupProxying(proxying);
        Discovery discovery = new Discovery(identity, links, loop, loop, new SeededRng(1000 + n), SMALL_DISCOVERY,
                () -> List.of(address.toString()), () -> PrekeyBundles.throwaway(identity, RANDOM, loop.nowMillis()));
        DhtService dht = new DhtService(identity.peerId(), links, loop, loop, CONFIG, discovery);
        LookupProxy proxy = new LookupProxy(identity, links, dht, loop, loop, RANDOM);
        ProxiedLookups lookups = new ProxiedLookups(identity.peerId(), dht, proxy, links, discovery::recordOf,
                discovery.verifier(), loop, loop, new SeededRng(2000 + n), RANDOM);
        links.addLayer(discovery);
        links.addListener(dht);
        links.addFrameHandler(observed(identity.peerId(), dht));
        links.addListener(proxy);
        links.addFrameHandler(observed(identity.peerId(), proxy));
        links.start();
        discovery.start();
        dht.start(Duration.ofSeconds(10));
        return new Node(identity, address, links, dht, lookups);
    }

    /** {@code handler} as it is, with what it receives written down. */
    private FrameHandler observed(PeerId self, FrameHandler handler) {
        return new FrameHandler() {
            @Override
            public Set<Frame.BodyCase> frameTypes() {
                return handler.frameTypes();
            }

            @Override
            public void frameReceived(PeerId from, Frame frame) {
                if (frame.hasDht() && frame.getDht().hasFindNode()) {
                    findNodes.add(new Asked(from, self, frame.getDht().getFindNode().getTarget()));
                }
                if (frame.hasLookupProxy()) {
                    proxyFrames.add(new Received(from, self, frame));
                }
                handler.frameReceived(from, frame);
            }
        };
    }

    private record Node(Identity identity, HostPort address, LinkManager links, DhtService dht,
                        ProxiedLookups lookups) {
        PeerId id() {
            return identity.peerId();
        }
    }
}
