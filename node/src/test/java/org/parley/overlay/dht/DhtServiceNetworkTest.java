package org.parley.overlay.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.link.LinkConfig;
import org.parley.link.LinkManager;
import org.parley.link.memory.InMemoryFabric;
import org.parley.messaging.PrekeyBundles;
import org.parley.overlay.discovery.Discovery;
import org.parley.overlay.discovery.DiscoveryConfig;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;

/**
 * The DHT of whole nodes (links, discovery, DHT) on the in-memory network and a virtual clock.
 * Discovery here keeps only a few records, as in a network too large for anyone to know everyone,
 * so most lookups must ask other peers.
 */
class DhtServiceNetworkTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NODES = 60;
    /** A small k, so that a 60-node network is already larger than one node's closest set. */
    private static final DhtConfig CONFIG = new DhtConfig(new RoutingTableConfig(6, 2, 2, 10),
            new LookupConfig(6, 3, 60), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3),
            Duration.ofSeconds(8), 8, 1024, Duration.ofMinutes(30), Duration.ofSeconds(30));
    private static final DiscoveryConfig SMALL_DISCOVERY = new DiscoveryConfig(4, 16, 2, 6, Duration.ofSeconds(5),
            Duration.ofMinutes(1), Duration.ofHours(24));

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    private final InMemoryFabric fabric = new InMemoryFabric();
    private final SeededRng sampler = new SeededRng(7);

    @Test
    void everyNodeFindsOthersRecordsAndStillDoesWithoutItsBootstrap() {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            nodes.add(node(i));
        }
        Node bootstrap = nodes.get(0);
        for (Node node : nodes.subList(1, nodes.size())) {
            node.links.keepLinkTo(DialTarget.peerAt(bootstrap.id(), bootstrap.address));
        }
        loop.advance(Duration.ofMinutes(2));

        Figures all = lookUpSampled(nodes, 200);
        assertEquals(all.lookups, all.found, "every sampled lookup finds the record");
        assertTrue(all.maxHops >= 1, "some lookups had to ask other peers");

        bootstrap.stop();
        loop.advance(Duration.ofMinutes(1));
        List<Node> rest = nodes.subList(1, nodes.size());
        Figures without = lookUpSampled(rest, 100);
        assertEquals(without.lookups, without.found, "lookups work without the bootstrap");
        System.out.printf("DHT, %d nodes, k = %d: %d/%d found, hops mean %.2f max %d, queries mean %.1f;"
                        + " without the bootstrap %d/%d found, hops mean %.2f, queries mean %.1f%n",
                NODES, CONFIG.lookup().k(), all.found, all.lookups, all.meanHops(), all.maxHops, all.meanQueries(),
                without.found, without.lookups, without.meanHops(), without.meanQueries());
    }

    @Test
    void aNewcomerIsFoundThroughThePeersItPublishedTo() {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            nodes.add(node(i));
        }
        for (Node node : nodes.subList(1, nodes.size())) {
            node.links.keepLinkTo(DialTarget.peerAt(nodes.get(0).id(), nodes.get(0).address));
        }
        loop.advance(Duration.ofMinutes(1));
        Node newcomer = node(30);
        newcomer.links.keepLinkTo(DialTarget.peerAt(nodes.get(5).id(), nodes.get(5).address));
        loop.advance(Duration.ofSeconds(30));

        long holders = nodes.stream().filter(node -> node.dht.storedRecords() > 0).count();
        assertTrue(holders > 0, "someone keeps a record it was asked to store");
        for (Node node : nodes.subList(10, 20)) {
            LookupResult result = await(node.dht.lookup(newcomer.id()));
            assertEquals(newcomer.id(), result.record().orElseThrow().peer());
            assertEquals(newcomer.address, result.record().get().addresses().get(0));
        }
    }

    private Figures lookUpSampled(List<Node> nodes, int samples) {
        Figures figures = new Figures();
        for (int i = 0; i < samples; i++) {
            Node from = nodes.get((int) sampler.nextLong(nodes.size()));
            Node to = nodes.get((int) sampler.nextLong(nodes.size()));
            if (from == to) {
                continue;
            }
            LookupResult result = await(from.dht.lookup(to.id()));
            figures.lookups++;
            if (result.record().isPresent()) {
                assertEquals(to.id(), result.record().get().peer());
                assertEquals(to.address, result.record().get().addresses().get(0));
                figures.found++;
            }
            figures.hops += result.hops();
            figures.maxHops = Math.max(figures.maxHops, result.hops());
            figures.queries += result.queries();
        }
        return figures;
    }

    private LookupResult await(CompletableFuture<LookupResult> lookup) {
        for (int i = 0; i < 200 && !lookup.isDone(); i++) {
            loop.advance(Duration.ofMillis(50));
        }
        assertTrue(lookup.isDone(), "the lookup ends within its deadline");
        return lookup.join();
    }

    private Node node(int n) {
        Identity identity = Identity.generate("node" + n, RANDOM);
        // One /24 per node, so the routing tables' per-block limits never bind here.
        HostPort address = new HostPort("10.0." + n + ".1", 7000);
        LinkManager links = new LinkManager(identity.peerId(),
                fabric.endpoint(identity.peerId(), address, LinkConfig.defaults(), loop), loop, loop,
                new SeededRng(n), LinkConfig.defaults(), "test");
        Discovery discovery = new Discovery(identity, links, loop, loop, new SeededRng(1000 + n), SMALL_DISCOVERY,
                () -> List.of(address.toString()), () -> PrekeyBundles.throwaway(identity, RANDOM, loop.nowMillis()));
        DhtService dht = new DhtService(identity.peerId(), links, loop, loop, CONFIG, discovery);
        links.addLayer(discovery);
        links.addLayer(dht);
        links.start();
        discovery.start();
        dht.start(Duration.ofSeconds(10));
        return new Node(identity, address, links, discovery, dht);
    }

    private record Node(Identity identity, HostPort address, LinkManager links, Discovery discovery, DhtService dht) {
        PeerId id() {
            return identity.peerId();
        }

        void stop() {
            dht.stop();
            discovery.stop();
            links.stop();
        }
    }

    private static final class Figures {
        int lookups;
        int found;
        int hops;
        int maxHops;
        int queries;

        double meanHops() {
            return lookups == 0 ? 0 : (double) hops / lookups;
        }

        double meanQueries() {
            return lookups == 0 ? 0 : (double) queries / lookups;
        }
    }
}
