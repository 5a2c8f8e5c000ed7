package org.parley.overlay.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.Direction;
import org.parley.link.LinkControl;
import org.parley.link.PeerInfo;
import org.parley.overlay.record.PeerRecord;
import org.parley.overlay.record.PeerRecordBook;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;

/**
 * Keeps a healthy set of links: on each heartbeat tops them up to the target by dialing peers
 * the book holds records of, picked at random (so no node becomes everyone's only link), trims
 * links beyond the maximum, and now and then swaps one for a random other.
 *
 * <p>Against Sybils that take links to drop what they should pass on (decision 0048): trimming
 * takes idle links first, then inbound before outbound, then those that brought fewest first
 * copies; a link that relayed nothing of the topics both ends share while {@link #IDLE_MESSAGES}
 * messages reached us is closed and its peer not dialed again for {@link #SHUN_FOR}, so that
 * links ratchet toward neighbours that deliver; and peers that relaying neighbours recommend are
 * dialed before records drawn at random. Since decision 0073, delivery counts before direction
 * when trimming, peers that brought first copies are remembered past their links and dialed back
 * first, and a node with few relaying links opens more, up to the maximum. Since decision 0078,
 * the DHT routing table's contacts, which a flood of peer exchange cannot displace as easily as it
 * fills the book, are dialed before the book, trimmed after others that brought as little, and
 * swapped in at the maximum for links that bring nothing. Since decision 0083, a node whose first
 * copies stopped (the gossip layer says so) dials table contacts at once, beyond the maximum.
 * Confined to the node's loop.
 */
final class LinkKeeper {
    /** Chance per heartbeat that a node with enough links swaps one for a random other. */
    static final double EXPLORE_CHANCE = 0.05;
    /**
     * Messages that must reach us, with nothing relayed or announced by a neighbour sharing the
     * topic, before its link counts as idle. An honest neighbour outside our mesh announces to
     * six random neighbours outside its mesh each gossip heartbeat; over the six or more
     * heartbeats this many messages take at five a second, with ten such neighbours, the chance
     * that it announced none to us is about one in 250 ((4/10)^6); losing its link costs a redial.
     */
    static final int IDLE_MESSAGES = 32;
    /** Idle links closed per heartbeat at most, so a burst of lost frames cannot cut a node off. */
    static final int IDLE_CLOSED_PER_BEAT = 3;
    /** How long a peer whose link was closed as idle is not dialed, and a link it opens is closed at once. */
    static final Duration SHUN_FOR = Duration.ofMinutes(10);
    /** Recommended peers remembered, newest kept. */
    static final int RECOMMENDED_KEPT = 64;
    /** Peers that brought us first copies, remembered across the loss of their links, newest kept. */
    static final int PROVEN_KEPT = 32;
    /**
     * Below this many links that bring first copies, a node opens links beyond its target, up to
     * the maximum: with most of its links held by peers that bring nothing, more links are the
     * way to reach the ones that do.
     */
    static final int RELAYING_WANTED = 3;
    /** Routing-table contacts dialed each gossip heartbeat while first copies stopped coming (decision 0083). */
    static final int STARVED_DIALS_PER_BEAT = 6;
    /** Of those, at most this many until a first copy comes again, so that a network gone quiet costs little. */
    static final int STARVED_DIALS = 12;

    private final LinkControl links;
    private final Scheduler scheduler;
    private final Clock clock;
    private final RandomPick random;
    private final DiscoveryConfig config;
    private final PeerRecordBook book;
    private final Map<PeerId, Long> lastDialedMillis = new HashMap<>();
    private Predicate<PeerId> spared = peer -> false;
    /** Run before each round of dialing: peer exchange forgets its old requests then. */
    private Runnable beforeDialing = () -> { };
    /** For each neighbour, messages of the topics it shares with us that reached us since it last relayed one. */
    private ToLongFunction<PeerId> messagesSinceRelayed = peer -> 0;
    private final Map<PeerId, Direction> directions = new HashMap<>();
    /** For each linked neighbour, the first copies of messages it brought on its current link. */
    private final Map<PeerId, Long> brought = new HashMap<>();
    /** Peers that neighbours relaying to us named as relaying to them, oldest first: dialed before random ones. */
    private final LinkedHashSet<PeerId> recommended = new LinkedHashSet<>();
    /**
     * Peers that brought us first copies on some link, newest last: evidence that survives the
     * link, so that a node whose relaying neighbours were trimmed or lost dials them back first.
     */
    private final LinkedHashMap<PeerId, Boolean> proven = new LinkedHashMap<>();
    /** Table contacts dialed since first copies stopped coming. */
    private int starvedDials;
    /** Peers whose links were closed as idle, until when they stay shunned. */
    private final Map<PeerId, Long> shunnedUntil = new HashMap<>();
    /**
     * Records of the DHT routing table's contacts (decision 0078). A full bucket keeps the
     * contacts it has while they answer, so Sybils that arrive in numbers or push their records
     * through peer exchange hold a smaller share of it than of the book: dialed before the book,
     * and links to them trimmed after others that brought as little.
     */
    private Supplier<List<PeerRecord>> tableContacts = List::of;

    LinkKeeper(LinkControl links, Scheduler scheduler, Clock clock, RandomPick random, DiscoveryConfig config,
               PeerRecordBook book) {
        this.links = links;
        this.scheduler = scheduler;
        this.clock = clock;
        this.random = random;
        this.config = config;
        this.book = book;
    }

    /** Runs {@code task} before each round of dialing. */
    void beforeDialing(Runnable task) {
        this.beforeDialing = task;
    }

    /** See {@link Discovery#spareLinksTo}. */
    void spareLinksTo(Predicate<PeerId> spared) {
        this.spared = this.spared.or(spared);
    }

    /** See {@link Discovery#dialTableContacts}. */
    void dialTableContacts(Supplier<List<PeerRecord>> contacts) {
        this.tableContacts = contacts;
    }

    /** See {@link Discovery#judgeRelaysBy}. */
    void judgeRelaysBy(ToLongFunction<PeerId> messagesSinceRelayed) {
        this.messagesSinceRelayed = messagesSinceRelayed;
    }

    /** See {@link Discovery#relayed}. */
    void relayed(PeerId peer, boolean firstCopy) {
        if (firstCopy) {
            starvedDials = 0;
        }
        if (firstCopy && brought.computeIfPresent(peer, (p, count) -> count + 1) != null) {
            proven.remove(peer);
            proven.put(peer, Boolean.TRUE);
            if (proven.size() > PROVEN_KEPT) {
                proven.remove(proven.keySet().iterator().next());
            }
        }
    }

    /** A link came up: a shunned peer's is closed, others are counted from nothing. */
    void linkUp(PeerInfo peer) {
        if (shunnedUntil.getOrDefault(peer.peerId(), 0L) > clock.nowMillis()) {
            // Closed once every other layer has heard of the link, not in the middle of telling them.
            scheduler.schedule(Duration.ZERO, () -> {
                if (!spared.test(peer.peerId())) {
                    links.disconnect(peer.peerId(), "shunned: its last link relayed nothing");
                }
            });
        }
        directions.put(peer.peerId(), peer.direction());
        brought.put(peer.peerId(), 0L);
    }

    void linkDown(PeerId peer) {
        directions.remove(peer);
        brought.remove(peer);
    }

    /** Whether {@code peer}'s link brought us first copies and is not idle. */
    boolean relays(PeerId peer) {
        return brought.getOrDefault(peer, 0L) > 0 && !isIdle(peer);
    }

    /** Of {@code linked} peers that relay to us and pass {@code filter}, the one that brought most first copies. */
    Optional<PeerId> bestRelay(List<PeerId> linked, Predicate<PeerId> filter) {
        return linked.stream().filter(this::relays).filter(filter)
                .max(Comparator.comparingLong(peer -> brought.getOrDefault(peer, 0L)));
    }

    /** A relaying neighbour named {@code peer} as relaying to it: it is dialed before random ones. */
    void recommend(PeerId peer) {
        recommended.remove(peer);
        recommended.add(peer);
        if (recommended.size() > RECOMMENDED_KEPT) {
            recommended.remove(recommended.iterator().next());
        }
    }

    /**
     * First copies stopped coming (decision 0083): dials {@link #STARVED_DIALS_PER_BEAT} routing-
     * table contacts, beyond the maximum if need be, {@link #STARVED_DIALS} until one comes again.
     * A node whose every link is to a Sybil that relayed until a covert flash counts those links
     * as relaying (they brought first copies, and nothing reaches it to make them idle), so it
     * would neither dial nor swap; and what it misses for the seconds a heartbeat of links takes
     * is gone from its neighbours' caches. Links beyond the maximum are trimmed on the next
     * heartbeat, those that brought nothing first, so the new links that delivered stay.
     */
    void starved(List<PeerId> linked) {
        if (starvedDials >= STARVED_DIALS) {
            return;
        }
        long now = clock.nowMillis();
        forgetOldDials(now);
        int count = Math.min(STARVED_DIALS_PER_BEAT, STARVED_DIALS - starvedDials);
        for (PeerRecord record : random.pick(tableContacts.get(), count, record -> dialable(record, linked))) {
            lastDialedMillis.put(record.peer(), now);
            links.dialOnce(DialTarget.peerAt(record.peer(), record.addresses().get(0)));
            starvedDials++;
        }
    }

    /** Closes idle links; the heartbeat's first step, before the links are counted. */
    void closeIdle() {
        closeIdle(links.linkedPeers());
    }

    /** Dials more when short of {@code linked}, trims beyond the maximum, or now and then swaps one. */
    void topUpOrTrim(List<PeerId> linked, Runnable whenShort) {
        int missing = config.targetLinks() - linked.size();
        // Spared links come on top of the maximum: counted in, a public node holding many
        // private peers' links (which it may not trim) closed every other link it had.
        int excess = unspared(linked) - config.maxLinks();
        boolean fewRelay = linked.stream().filter(this::relays).count() < RELAYING_WANTED;
        if (missing > 0) {
            dialMore(linked, missing);
            whenShort.run();
        } else if (excess < 0 && fewRelay) {
            // Few of our links relay: one more link a heartbeat, up to the maximum, and a
            // relaying neighbour asked for the peers that relay to it.
            dialMore(linked, 1);
            whenShort.run();
        } else if (excess == 0 && fewRelay && swapForTableContact(linked)) {
            return;
        }
        if (excess > 0) {
            trim(linked, excess);
        } else if (missing <= 0 && linked.size() > 1 && random.chance() < EXPLORE_CHANCE) {
            // Now and then one link to a random known peer replaces an old one, even when there
            // are enough: a network that was split (a partition, a lost bootstrap) finds its way
            // back together, and no neighbourhood stays closed on itself. A node with a single
            // link keeps it: swapping it would cut the node off for a moment.
            dialMore(linked, 1);
            if (linked.size() > config.targetLinks()) {
                trim(linked, 1);
            }
        }
    }

    /**
     * At the maximum with few links that relay: one link that never brought a first copy and is
     * not to a routing-table contact makes way for a table contact (decision 0078). A node whose
     * links a peer-exchange flood filled with Sybils that drop everything receives nothing, so
     * none of them ever counts as idle, and at the maximum it would dial nobody: this is how it
     * reaches peers the flood could not displace. It stops once its links that bring nothing are
     * all to table contacts, so a quiet network does not churn for it.
     */
    private boolean swapForTableContact(List<PeerId> linked) {
        Set<PeerId> table = tablePeers();
        boolean replaceable = linked.stream().anyMatch(peer -> !spared.test(peer) && !table.contains(peer)
                && brought.getOrDefault(peer, 0L) == 0 && !proven.containsKey(peer));
        if (!replaceable || !dialFromTable(linked)) {
            return false;
        }
        trim(linked, 1);
        return true;
    }

    private Set<PeerId> tablePeers() {
        return tableContacts.get().stream().map(PeerRecord::peer).collect(Collectors.toSet());
    }

    /** Dials one routing-table contact not linked nor dialed lately, drawn at random; whether there was one. */
    private boolean dialFromTable(List<PeerId> linked) {
        long now = clock.nowMillis();
        forgetOldDials(now);
        List<PeerRecord> picked = random.pick(tableContacts.get(), 1, record -> dialable(record, linked));
        for (PeerRecord record : picked) {
            lastDialedMillis.put(record.peer(), now);
            links.dialOnce(DialTarget.peerAt(record.peer(), record.addresses().get(0)));
        }
        return !picked.isEmpty();
    }

    private void forgetOldDials(long now) {
        lastDialedMillis.values().removeIf(dialed -> now - dialed >= config.redialAfter().toMillis());
        shunnedUntil.values().removeIf(until -> until <= now);
    }

    private boolean dialable(PeerRecord record, List<PeerId> linked) {
        return !linked.contains(record.peer()) && !lastDialedMillis.containsKey(record.peer())
                && !shunnedUntil.containsKey(record.peer()) && !record.addresses().isEmpty();
    }

    /**
     * Dials {@code count} peers: those that brought us first copies before (newest first), then
     * recommended ones, then routing-table contacts, the rest drawn at random from the book.
     */
    private void dialMore(List<PeerId> linked, int count) {
        long now = clock.nowMillis();
        beforeDialing.run();
        forgetOldDials(now);
        Predicate<PeerRecord> dialable = record -> dialable(record, linked);
        List<PeerRecord> candidates = new ArrayList<>();
        List<PeerId> provenNewestFirst = new ArrayList<>(proven.keySet());
        java.util.Collections.reverse(provenNewestFirst);
        for (PeerId peer : provenNewestFirst) {
            if (candidates.size() == count) {
                break;
            }
            book.get(peer, now).filter(dialable).ifPresent(candidates::add);
        }
        for (PeerId peer : new ArrayList<>(recommended)) {
            if (candidates.size() == count) {
                break;
            }
            book.get(peer, now).filter(dialable).filter(record -> !candidates.contains(record)).ifPresent(record -> {
                candidates.add(record);
                recommended.remove(peer);
            });
        }
        candidates.addAll(random.pick(tableContacts.get(), count - candidates.size(),
                record -> dialable.test(record) && !candidates.contains(record)));
        candidates.addAll(random.pick(book.records(now), count - candidates.size(),
                record -> dialable.test(record) && !candidates.contains(record)));
        for (PeerRecord record : candidates) {
            lastDialedMillis.put(record.peer(), now);
            links.dialOnce(DialTarget.peerAt(record.peer(), record.addresses().get(0)));
        }
    }

    private int unspared(List<PeerId> linked) {
        int count = 0;
        for (PeerId peer : linked) {
            if (!spared.test(peer)) {
                count++;
            }
        }
        return count;
    }

    /**
     * Closes up to {@link #IDLE_CLOSED_PER_BEAT} links of neighbours that share a topic with us
     * and relayed nothing of it while {@link #IDLE_MESSAGES} messages reached us, and shuns their
     * peers for a while; the next heartbeats dial others in their place.
     */
    private void closeIdle(List<PeerId> linked) {
        int closed = 0;
        long now = clock.nowMillis();
        for (PeerId peer : random.pick(linked, linked.size(), peer -> !spared.test(peer) && isIdle(peer))) {
            if (closed == IDLE_CLOSED_PER_BEAT) {
                return;
            }
            if (links.disconnect(peer, "relayed nothing of a shared topic")) {
                shunnedUntil.put(peer, now + SHUN_FOR.toMillis());
                proven.remove(peer);
                closed++;
            }
        }
    }

    private boolean isIdle(PeerId peer) {
        return messagesSinceRelayed.applyAsLong(peer) >= IDLE_MESSAGES;
    }

    /**
     * Closes {@code count} links, never those spared: first shunned or idle ones, then those of
     * peers that never brought us a first copy, then those to peers outside our routing table
     * (decision 0078), then inbound before outbound, and within each the
     * ones that brought fewest first copies; random among equals. Delivery comes before direction:
     * a Sybil's link we dialed is worth less than an inbound one that relays.
     */
    private void trim(List<PeerId> linked, int count) {
        int excess = count;
        long now = clock.nowMillis();
        List<PeerId> order = random.pick(linked, linked.size(), peer -> !spared.test(peer));
        Set<PeerId> table = tablePeers();
        order.sort(Comparator.<PeerId, Boolean>comparing(
                        peer -> !(isIdle(peer) || shunnedUntil.getOrDefault(peer, 0L) > now))
                .thenComparing(peer -> brought.getOrDefault(peer, 0L) > 0 || proven.containsKey(peer))
                .thenComparing(table::contains)
                .thenComparing(peer -> directions.get(peer) == Direction.OUTBOUND)
                .thenComparingLong(peer -> brought.getOrDefault(peer, 0L)));
        for (PeerId peer : order) {
            if (excess == 0) {
                return;
            }
            if (links.disconnect(peer, "more links than needed")) {
                excess--;
            }
        }
    }
}
