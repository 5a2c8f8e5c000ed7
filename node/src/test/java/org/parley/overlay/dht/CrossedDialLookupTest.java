package org.parley.overlay.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
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
 * A lookup whose query crosses a dial the asked peer makes to us at the same moment (close peers
 * look each other up together), on the in-memory network, where a dialing side is up only once
 * the answering side greets it. Both links come up; the link layer keeps one and reports the other
 * replaced, and a question sent on the replaced one is never answered.
 */
class CrossedDialLookupTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DiscoveryConfig DISCOVERY = new DiscoveryConfig(4, 16, 2, 6, Duration.ofSeconds(5),
            Duration.ofMinutes(1), Duration.ofHours(24));

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    private final InMemoryFabric fabric = new InMemoryFabric();

    @Test
    void aQueryCrossingTheAskedPeersOwnDialIsStillAnswered() {
        // The link dialed by the smaller peer ID survives: the holder's, so the asker, whose own
        // dial is greeted first, sees its first link replaced after it has asked on it.
        Identity first = Identity.generate("one", RANDOM);
        Identity second = Identity.generate("two", RANDOM);
        boolean firstSmaller = first.peerId().compareTo(second.peerId()) < 0;
        Node holder = node(firstSmaller ? first : second, 1);
        Node asker = node(firstSmaller ? second : first, 2);
        Node target = node(Identity.generate("target", RANDOM), 3);

        // The asker learns of the holder (its DHT takes the record discovery got on the first
        // link when the second comes up), then the holder of the target; each link is trimmed.
        link(asker, holder);
        link(asker, holder);
        link(holder, target);
        link(holder, target);
        assertEquals(1, asker.dht.contacts(), "the asker knows the holder");
        assertFalse(asker.discovery.recordOf(target.id()).isPresent(), "only the holder knows the target");

        CompletableFuture<LookupResult> lookup = asker.dht.lookup(target.id());
        holder.links.dialOnce(DialTarget.peerAt(asker.id(), asker.address));
        loop.advance(Duration.ofSeconds(1));

        assertTrue(lookup.isDone(), "answered well before any timeout");
        assertTrue(lookup.join().record().isPresent(), "the holder was asked on the link that stayed, and answered");
        assertEquals(target.id(), lookup.join().record().get().peer());
    }

    private void link(Node from, Node to) {
        from.links.dialOnce(DialTarget.peerAt(to.id(), to.address));
        loop.advance(Duration.ofSeconds(1));
        assertTrue(from.links.isConnected(to.id()));
        from.links.disconnect(to.id(), "trimmed");
        loop.advance(Duration.ofSeconds(1));
        assertFalse(from.links.isConnected(to.id()));
    }

    private Node node(Identity identity, int n) {
        HostPort address = new HostPort("10.0." + n + ".1", 7000);
        LinkManager links = new LinkManager(identity.peerId(),
                fabric.endpoint(identity.peerId(), address, LinkConfig.defaults(), loop), loop, loop,
                new SeededRng(n), LinkConfig.defaults(), "test");
        Discovery discovery = new Discovery(identity, links, loop, loop, new SeededRng(1000 + n), DISCOVERY,
                () -> List.of(address.toString()), () -> PrekeyBundles.throwaway(identity, RANDOM, loop.nowMillis()));
        DhtService dht = new DhtService(identity.peerId(), links, loop, loop, DhtConfig.defaults(), discovery);
        links.addLayer(discovery);
        links.addLayer(dht);
        links.start();
        return new Node(identity, address, links, discovery, dht);
    }

    private record Node(Identity identity, HostPort address, LinkManager links, Discovery discovery, DhtService dht) {
        PeerId id() {
            return identity.peerId();
        }
    }
}
