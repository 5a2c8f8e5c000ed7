package org.parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.EmbeddedLinks;
import org.parley.link.HostPort;
import org.parley.messaging.PrekeyBundles;
import org.parley.overlay.dht.LookupResult;
import org.parley.overlay.dht.PeerLookups;
import org.parley.overlay.record.PeerRecord;
import org.parley.runtime.VirtualScheduler;

/** How a node reaches a peer it has no link to, from the peer's record alone. */
class PeerReacherTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HostPort RELAY_ADDRESS = HostPort.parse("198.51.100.7:7450");

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    private final Identity self = Identity.generate("alice", RANDOM);
    private final Identity bob = Identity.generate("bob", RANDOM);
    private final Identity relay = Identity.generate("relay", RANDOM);
    private final EmbeddedLinks links = new EmbeddedLinks(self.peerId());
    private final Lookups lookups = new Lookups();
    private final PeerReacher reacher = new PeerReacher(links, lookups, Set::of, record -> {
    }, loop, loop, Duration.ofSeconds(10), Duration.ofSeconds(30));

    @Test
    void aPeerBehindARelayNobodyHereKnowsIsDialledThroughTheRelayLookedUp() {
        lookups.answer(record(bob, List.of(), List.of(relay.peerId())));
        lookups.answer(record(relay, List.of(RELAY_ADDRESS.toString()), List.of()));

        reacher.reachNow(bob.peerId());
        loop.runUntilIdle();

        assertEquals(List.of(DialTarget.peerVia(bob.peerId(), relay.peerId(), RELAY_ADDRESS)), links.dials());
        assertEquals(List.of(bob.peerId(), relay.peerId()), lookups.asked);
    }

    @Test
    void aRelayWhoseAddressIsKnownIsDialledWithoutALookup() {
        lookups.answer(record(bob, List.of(), List.of(relay.peerId())));
        reacher.reachRelaysAt(peer -> peer.equals(relay.peerId()) ? Optional.of(RELAY_ADDRESS) : Optional.empty());

        reacher.reachNow(bob.peerId());
        loop.runUntilIdle();

        assertEquals(List.of(DialTarget.peerVia(bob.peerId(), relay.peerId(), RELAY_ADDRESS)), links.dials());
        assertEquals(List.of(bob.peerId()), lookups.asked);
    }

    @Test
    void aRelayFoundWithoutAnAddressOrNotFoundIsNotDialled() {
        Identity missing = Identity.generate("missing", RANDOM);
        lookups.answer(record(bob, List.of(), List.of(relay.peerId(), missing.peerId())));
        lookups.answer(record(relay, List.of(), List.of()));

        reacher.reachNow(bob.peerId());
        loop.runUntilIdle();

        assertTrue(links.dials().isEmpty(), "dialled " + links.dials());
        assertEquals(List.of(bob.peerId(), relay.peerId(), missing.peerId()), lookups.asked);
    }

    @Test
    void aPeerLinkedWhileItsRelaysWereLookedUpIsNotDialledAgain() {
        lookups.answer(record(bob, List.of(), List.of(relay.peerId())));
        CompletableFuture<LookupResult> relayLookup = new CompletableFuture<>();
        lookups.pending.put(relay.peerId(), relayLookup);

        reacher.reachNow(bob.peerId());
        loop.runUntilIdle();
        links.open(bob.peerId());
        relayLookup.complete(new LookupResult(Optional.of(record(relay, List.of(RELAY_ADDRESS.toString()),
                List.of())), 2, 3));
        loop.runUntilIdle();

        assertTrue(links.dials().isEmpty(), "dialled " + links.dials());
    }

    private PeerRecord record(Identity owner, List<String> addresses, List<PeerId> linkRelays) {
        return PeerRecord.create(owner, addresses, 1, loop.nowMillis(), Duration.ofHours(1).toMillis(),
                PrekeyBundles.throwaway(owner, RANDOM, loop.nowMillis()), List.of(), linkRelays);
    }

    /** The DHT as far as the reacher sees it: records it answers with at once, or lookups left open. */
    private static final class Lookups implements PeerLookups {
        final Map<PeerId, PeerRecord> records = new HashMap<>();
        final Map<PeerId, CompletableFuture<LookupResult>> pending = new HashMap<>();
        final List<PeerId> asked = new ArrayList<>();

        void answer(PeerRecord record) {
            records.put(record.peer(), record);
        }

        @Override
        public CompletableFuture<LookupResult> lookup(PeerId peer) {
            asked.add(peer);
            if (pending.containsKey(peer)) {
                return pending.get(peer);
            }
            PeerRecord record = records.get(peer);
            return CompletableFuture.completedFuture(new LookupResult(Optional.ofNullable(record),
                    record == null ? 0 : 2, 3));
        }

        @Override
        public CompletableFuture<LookupResult> lookupNewest(PeerId peer) {
            return lookup(peer);
        }
    }
}
