package org.parley.overlay.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.Direction;
import org.parley.link.EmbeddedLinks;
import org.parley.link.PeerInfo;
import org.parley.messaging.PrekeyBundles;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.PeerExchange;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;

/**
 * Which links discovery keeps when Sybils dial in and hold links to drop what they should relay
 * (decision 0048): links that brought nothing trimmed first, idle links closed and their
 * peers shunned; peers that relayed dialled back first, and more links opened while few relay
 * (decision 0073); routing-table contacts dialled before the book, trimmed after others, and
 * swapped in for links that bring nothing at the maximum (decision 0078).
 */
class LinkKeepingTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DiscoveryConfig CONFIG = DiscoveryConfig.defaults();

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    private final EmbeddedLinks links = new EmbeddedLinks();
    private final Identity self = Identity.generate("self", RANDOM);
    private final Discovery discovery = new Discovery(self, links, loop, loop, new SeededRng(1), CONFIG,
            () -> List.of("10.0.0.1:7000"), () -> PrekeyBundles.throwaway(self, RANDOM, loop.nowMillis()));

    /** What the gossip layer would count: messages of shared topics since each neighbour last relayed. */
    private final java.util.Map<PeerId, Long> silence = new java.util.HashMap<>();

    LinkKeepingTest() {
        links.addLayer(discovery);
        discovery.judgeRelaysBy(peer -> silence.getOrDefault(peer, 0L));
    }

    @Test
    void aboveTheMaximumInboundLinksThatBroughtNothingGoFirst() {
        List<PeerId> inbound = open(CONFIG.maxLinks(), Direction.INBOUND, "10.1.");
        List<PeerId> outbound = open(4, Direction.OUTBOUND, "10.2.");
        List<PeerId> bringing = inbound.subList(0, 4);
        bringing.forEach(peer -> discovery.relayed(peer, true));
        discovery.start();

        loop.advance(CONFIG.heartbeat().plus(CONFIG.heartbeat().dividedBy(2)));

        assertEquals(CONFIG.maxLinks(), links.linkedPeers().size());
        assertTrue(links.linkedPeers().containsAll(outbound), "the links we dialed stay");
        assertTrue(links.linkedPeers().containsAll(bringing), "and so do inbound ones that brought first copies");
    }

    @Test
    void aLinkThatRelaysNothingOfASharedTopicIsClosedAndItsPeerShunned() {
        List<PeerId> linked = open(CONFIG.targetLinks(), Direction.OUTBOUND, "10.1.");
        PeerId dropping = linked.get(3);
        silence.put(dropping, (long) LinkKeeper.IDLE_MESSAGES);
        discovery.start();

        loop.advance(CONFIG.heartbeat().multipliedBy(2));

        assertFalse(links.isConnected(dropping), "the link that relayed nothing is closed");
        List<PeerId> others = linked.stream().filter(peer -> !peer.equals(dropping)).toList();
        assertEquals(Set.copyOf(others), Set.copyOf(links.linkedPeers()), "every link that relayed stays");

        silence.clear();
        exchange(linked.get(0), List.of(record(dropping)));
        loop.advance(CONFIG.heartbeat().multipliedBy(4));
        assertFalse(links.dials().stream().anyMatch(target -> target.expectedPeer().orElseThrow().equals(dropping)),
                "its peer is not dialled again");
        links.open(new PeerInfo(dropping, "10.9.0.1:7000", Direction.INBOUND, 0, "test"));
        loop.advance(Duration.ofMillis(1));
        assertFalse(links.isConnected(dropping), "nor kept when it dials in");

        loop.advance(LinkKeeper.SHUN_FOR);
        links.open(new PeerInfo(dropping, "10.9.0.1:7000", Direction.INBOUND, 0, "test"));
        loop.advance(Duration.ofMillis(1));
        assertTrue(links.isConnected(dropping), "after a while it gets another chance");
    }

    @Test
    void linksQuietForFewerMessagesStay() {
        List<PeerId> linked = open(CONFIG.targetLinks(), Direction.OUTBOUND, "10.1.");
        linked.forEach(peer -> silence.put(peer, (long) LinkKeeper.IDLE_MESSAGES - 1));
        discovery.start();

        loop.advance(CONFIG.heartbeat().multipliedBy(2));

        assertEquals(Set.copyOf(linked), Set.copyOf(links.linkedPeers()), "too few messages to call a link idle");
    }

    @Test
    void idleLinksCloseAFewAtATime() {
        List<PeerId> linked = open(CONFIG.targetLinks(), Direction.OUTBOUND, "10.1.");
        PeerId relaying = linked.get(0);
        linked.stream().filter(peer -> !peer.equals(relaying))
                .forEach(peer -> silence.put(peer, (long) LinkKeeper.IDLE_MESSAGES));
        discovery.start();

        loop.advance(CONFIG.heartbeat().plus(CONFIG.heartbeat().dividedBy(2)));

        assertEquals(CONFIG.targetLinks() - LinkKeeper.IDLE_CLOSED_PER_BEAT, links.linkedPeers().size(),
                "a burst of lost frames cannot cut a node off at once");
        assertTrue(links.isConnected(relaying));
    }

    @Test
    void peersARelayingNeighbourNamesFirstAreDialledFirstAndNobodyElsesAre() {
        List<PeerId> linked = open(2, Direction.OUTBOUND, "10.1.");
        PeerId relaying = linked.get(0);
        PeerId stranger = linked.get(1);
        discovery.relayed(relaying, true);
        List<PeerRecord> fromStranger = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Identity identity = Identity.generate("named by the stranger " + i, RANDOM);
            fromStranger.add(record(identity.peerId(), identity));
        }
        exchange(stranger, fromStranger);
        Identity good = Identity.generate("named by the relay", RANDOM);
        exchange(relaying, List.of(record(good.peerId(), good)));
        discovery.start();

        loop.advance(CONFIG.heartbeat().plus(CONFIG.heartbeat().dividedBy(2)));

        List<PeerId> dialled = dialledPeers();
        assertEquals(good.peerId(), dialled.get(0), "the relay's recommendation first, of 21 records: " + dialled);
        assertEquals(CONFIG.targetLinks() - 2, dialled.size(), "the rest drawn at random");
    }

    @Test
    void aboveTheMaximumALinkWeDialledThatBroughtNothingGoesBeforeAnInboundOneThatRelays() {
        List<PeerId> inbound = open(CONFIG.maxLinks() - 2, Direction.INBOUND, "10.1.");
        inbound.forEach(peer -> discovery.relayed(peer, true));
        List<PeerId> outbound = open(4, Direction.OUTBOUND, "10.2.");
        discovery.start();

        loop.advance(CONFIG.heartbeat().plus(CONFIG.heartbeat().dividedBy(2)));

        assertEquals(CONFIG.maxLinks(), links.linkedPeers().size());
        assertTrue(links.linkedPeers().containsAll(inbound), "every link that relays stays, however it was opened");
        assertEquals(2, outbound.stream().filter(links::isConnected).count(), "two links that brought nothing went");
    }

    @Test
    void aPeerThatBroughtFirstCopiesIsDialledBackFirstOnceItsLinkIsGone() {
        List<PeerId> linked = open(2, Direction.OUTBOUND, "10.1.");
        PeerId relayed = linked.get(0);
        discovery.relayed(relayed, true);
        List<PeerRecord> records = new ArrayList<>();
        records.add(record(relayed));
        for (int i = 0; i < 20; i++) {
            Identity identity = Identity.generate("pushed " + i, RANDOM);
            records.add(0, record(identity.peerId(), identity));
        }
        exchange(linked.get(1), records);
        links.close(relayed);
        discovery.start();

        loop.advance(CONFIG.heartbeat().plus(CONFIG.heartbeat().dividedBy(2)));

        List<PeerId> dialled = dialledPeers();
        assertEquals(relayed, dialled.get(0), "the peer that relayed first, of 21 records: " + dialled);
    }

    @Test
    void aNodeWhoseLinksBringNothingOpensMoreUpToTheMaximumAndOneWhoseLinksRelayDoesNot() {
        List<PeerId> linked = open(CONFIG.targetLinks(), Direction.INBOUND, "10.1.");
        List<PeerRecord> records = new ArrayList<>();
        for (int i = 0; i < 2 * CONFIG.maxLinks(); i++) {
            Identity identity = Identity.generate("known " + i, RANDOM);
            records.add(record(identity.peerId(), identity));
        }
        exchange(linked.get(0), records.subList(0, 16));
        exchange(linked.get(1), records.subList(16, 32));
        discovery.start();

        loop.advance(CONFIG.heartbeat().multipliedBy(3));
        assertTrue(links.dials().size() >= 2, "a node at its target whose links bring nothing dials more: "
                + links.dials().size());

        links.dials().forEach(target -> links.open(new PeerInfo(target.expectedPeer().orElseThrow(),
                "10.4.0.1:7000", Direction.OUTBOUND, 0, "test")));
        links.linkedPeers().stream().limit(LinkKeeper.RELAYING_WANTED)
                .forEach(peer -> discovery.relayed(peer, true));
        int dialledBefore = links.dials().size();
        loop.advance(CONFIG.heartbeat().multipliedBy(4));
        assertEquals(dialledBefore, links.dials().size(), "enough of its links relay: no more dials");
        assertTrue(links.linkedPeers().size() <= CONFIG.maxLinks());
    }

    @Test
    void routingTableContactsAreDialledBeforeRecordsAFloodPushed() {
        List<PeerId> linked = open(2, Direction.OUTBOUND, "10.1.");
        exchange(linked.get(1), fresh("pushed", 20));
        List<PeerRecord> table = fresh("table contact", 3);
        discovery.dialTableContacts(() -> table);
        discovery.start();

        loop.advance(CONFIG.heartbeat().plus(CONFIG.heartbeat().dividedBy(2)));

        List<PeerId> dialled = dialledPeers();
        assertEquals(Set.copyOf(peers(table)), Set.copyOf(dialled.subList(0, 3)),
                "the three table contacts first, of 23 known: " + dialled);
        assertEquals(CONFIG.targetLinks() - 2, dialled.size(), "the rest from the book");
    }

    @Test
    void aboveTheMaximumLinksToTableContactsGoAfterOthersThatBroughtAsLittle() {
        List<PeerId> others = open(CONFIG.maxLinks(), Direction.INBOUND, "10.1.");
        List<PeerId> contacts = open(CONFIG.maxLinks() / 2, Direction.INBOUND, "10.2.");
        List<PeerRecord> table = contacts.stream().map(this::record).toList();
        discovery.dialTableContacts(() -> table);
        discovery.start();

        loop.advance(CONFIG.heartbeat().plus(CONFIG.heartbeat().dividedBy(2)));

        assertEquals(CONFIG.maxLinks(), links.linkedPeers().size());
        assertTrue(links.linkedPeers().containsAll(contacts), "every link to a table contact stays");
        assertEquals(CONFIG.maxLinks() / 2, others.stream().filter(links::isConnected).count());
    }

    @Test
    void aNodeAtItsMaximumWhoseLinksBringNothingSwapsOneForATableContact() {
        List<PeerId> linked = open(CONFIG.maxLinks(), Direction.OUTBOUND, "10.1.");
        exchange(linked.get(0), fresh("pushed", 20));
        List<PeerRecord> table = fresh("table contact", 3);
        discovery.dialTableContacts(() -> table);
        discovery.start();

        loop.advance(CONFIG.heartbeat().plus(CONFIG.heartbeat().dividedBy(2)));

        List<PeerId> dialled = dialledPeers();
        assertEquals(1, dialled.size(), "one swap a heartbeat: " + dialled);
        assertTrue(peers(table).contains(dialled.get(0)), "for a table contact, not a record the flood pushed");
        assertEquals(CONFIG.maxLinks() - 1, links.linkedPeers().size(), "a link that brought nothing made way");
    }

    @Test
    void aNodeWhoseLinksThatBringNothingAreAllToTableContactsSwapsNone() {
        List<PeerId> linked = open(CONFIG.maxLinks(), Direction.OUTBOUND, "10.1.");
        List<PeerRecord> table = new ArrayList<>(linked.stream().map(this::record).toList());
        table.addAll(fresh("table contact", 3));
        discovery.dialTableContacts(() -> table);
        discovery.start();

        // One heartbeat: over more, the occasional exploring swap (one in twenty) may come.
        loop.advance(CONFIG.heartbeat().plus(CONFIG.heartbeat().dividedBy(2)));

        assertTrue(links.dials().isEmpty(), "a quiet network does not churn: " + links.dials().size());
        assertEquals(Set.copyOf(linked), Set.copyOf(links.linkedPeers()));
    }

    @Test
    void aStarvedNodeDialsTableContactsAtOnceBeyondItsMaximumAndABoundedNumberUntilAFirstCopy() {
        // Every link brought first copies until its peer went silent with the others (a covert flash).
        List<PeerId> linked = open(CONFIG.maxLinks(), Direction.OUTBOUND, "10.1.");
        linked.forEach(peer -> discovery.relayed(peer, true));
        exchange(linked.get(0), fresh("pushed", 20));
        List<PeerRecord> table = fresh("table contact", 3 * LinkKeeper.STARVED_DIALS);
        discovery.dialTableContacts(() -> table);
        discovery.start();
        loop.advance(CONFIG.heartbeat().plus(CONFIG.heartbeat().dividedBy(2)));
        assertTrue(links.dials().isEmpty(), "its heartbeat sees links that all relayed: no dials");

        discovery.starved();
        List<PeerId> dialled = dialledPeers();
        assertEquals(LinkKeeper.STARVED_DIALS_PER_BEAT, dialled.size(), "a few at once, beyond the maximum");
        assertTrue(peers(table).containsAll(dialled), "all table contacts: " + dialled);

        for (int beat = 0; beat < 5; beat++) {
            discovery.starved();
        }
        assertEquals(LinkKeeper.STARVED_DIALS, links.dials().size(), "a bounded number while the spell lasts");
        assertEquals(LinkKeeper.STARVED_DIALS, Set.copyOf(dialledPeers()).size(), "each dialled once");

        discovery.relayed(linked.get(0), true);
        discovery.starved();
        assertEquals(LinkKeeper.STARVED_DIALS + LinkKeeper.STARVED_DIALS_PER_BEAT, links.dials().size(),
                "a first copy ends the spell; the next one dials again");
    }

    private List<PeerRecord> fresh(String name, int count) {
        List<PeerRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Identity identity = Identity.generate(name + " " + i, RANDOM);
            records.add(record(identity.peerId(), identity));
        }
        return records;
    }

    private static List<PeerId> peers(List<PeerRecord> records) {
        return records.stream().map(PeerRecord::peer).toList();
    }

    private List<PeerId> open(int count, Direction direction, String block) {
        List<PeerId> peers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Identity identity = Identity.generate(direction + " " + i, RANDOM);
            PeerId peer = identity.peerId();
            identities.put(peer, identity);
            links.open(new PeerInfo(peer, block + i + ".1:7000", direction, 0, "test"));
            peers.add(peer);
        }
        return peers;
    }

    private final java.util.Map<PeerId, Identity> identities = new java.util.HashMap<>();

    /** The peers the keeper asked to dial, in order. */
    private List<PeerId> dialledPeers() {
        return links.dials().stream().map(target -> target.expectedPeer().orElseThrow()).toList();
    }

    private PeerRecord record(PeerId peer) {
        return record(peer, identities.get(peer));
    }

    private PeerRecord record(PeerId peer, Identity identity) {
        identities.put(peer, identity);
        return PeerRecord.create(identity, List.of("10.3.0." + (identities.size() % 250 + 1) + ":7000"), 1,
                loop.nowMillis(), Duration.ofHours(1).toMillis(),
                PrekeyBundles.throwaway(identity, RANDOM, loop.nowMillis()));
    }

    private void exchange(PeerId from, List<PeerRecord> records) {
        PeerExchange.Builder exchange = PeerExchange.newBuilder();
        records.forEach(record -> exchange.addRecords(record.toProto()));
        discovery.frameReceived(from, Frame.newBuilder().setPeerExchange(exchange).build());
    }
}
