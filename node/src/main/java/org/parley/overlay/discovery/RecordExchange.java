package org.parley.overlay.discovery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.parley.identity.PeerId;
import org.parley.link.LinkControl;
import org.parley.link.Misbehaviour;
import org.parley.overlay.record.PeerRecord;
import org.parley.overlay.record.PeerRecordBook;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.PeerExchange;
import org.parley.runtime.Clock;

/**
 * Peer exchange: asking neighbours for the records they know, answering their requests with a
 * sample of ours, and pushing a sample to one neighbour now and then so that news spreads. An
 * empty exchange asks; answers to our requests are taken whole, what a neighbour pushes on its
 * own is rate-limited. A neighbour that relays to us may recommend, first in its exchange, the
 * neighbours that relay to it: link keeping dials those before random ones. Confined to the
 * node's loop.
 */
final class RecordExchange {
    private static final Logger LOG = Logger.getLogger(RecordExchange.class.getName());
    /** Below this many records, a node asks every new neighbour for more. */
    static final int WANTED_RECORDS = 64;
    /** Unsolicited exchanges a neighbour may send at once; one more per heartbeat after that. */
    static final int UNSOLICITED_BURST = 3;
    /**
     * Records at the head of a peer exchange that name the sender's relaying neighbours (it lists
     * those first); taken as recommendations only from a neighbour that relays to us.
     */
    static final int RECOMMENDED_PER_EXCHANGE = 4;

    private static final Frame REQUEST = Frame.newBuilder().setPeerExchange(PeerExchange.getDefaultInstance()).build();

    private final PeerId self;
    private final LinkControl links;
    private final Clock clock;
    private final RandomPick random;
    private final DiscoveryConfig config;
    private final PeerRecordBook book;
    private final RecordIntake intake;
    private final LinkKeeper keeper;
    /** When each peer's last request for records was answered. */
    private final Map<PeerId, Long> answeredMillis = new HashMap<>();
    /** When we last asked each peer for records: its answer is solicited, and not rate-limited. */
    private final Map<PeerId, Long> askedMillis = new HashMap<>();
    private final ExchangeAllowance unsolicited;

    RecordExchange(PeerId self, LinkControl links, Clock clock, RandomPick random, DiscoveryConfig config,
                   PeerRecordBook book, RecordIntake intake, LinkKeeper keeper) {
        this.self = self;
        this.links = links;
        this.clock = clock;
        this.random = random;
        this.config = config;
        this.book = book;
        this.intake = intake;
        this.keeper = keeper;
        this.unsolicited = new ExchangeAllowance(UNSOLICITED_BURST, config.heartbeat().toMillis());
    }

    /**
     * A new link: records are asked for, not pushed. A node with links and records enough does
     * not need another sixteen signatures to check for every link it gets.
     */
    void linkUp(PeerId peer) {
        if (links.linkCount() <= config.targetLinks() || book.size() < WANTED_RECORDS) {
            long now = clock.nowMillis();
            forgetOldAsks();
            askedMillis.put(peer, now);
            links.send(peer, REQUEST);
        }
    }

    /** Requests older than {@link DiscoveryConfig#redialAfter()} no longer make an answer solicited. */
    void forgetOldAsks() {
        long now = clock.nowMillis();
        askedMillis.values().removeIf(asked -> now - asked >= config.redialAfter().toMillis());
    }

    void receive(PeerId from, PeerExchange exchange) {
        if (exchange.getRecordsCount() == 0) {
            answerRequest(from);
            return;
        }
        if (exchange.getRecordsCount() > DiscoveryConfig.MAX_EXCHANGE) {
            links.penalize(from, Misbehaviour.TOO_LARGE, "peer exchange of " + exchange.getRecordsCount()
                    + " records");
            return;
        }
        // An answer to our request is taken whole; what a neighbour pushes on its own is limited
        // per neighbour, dropped unread beyond that (honest nodes push far less; no penalty, as
        // clocks and heartbeats differ).
        if (askedMillis.remove(from) == null && !unsolicited.take(from, clock.nowMillis())) {
            LOG.fine(() -> "dropped an unsolicited peer exchange beyond " + from.shortForm() + "'s allowance");
            return;
        }
        // Peer exchange is not trusted blindly: only a neighbour that relays to us is taken at its
        // word when it names, first in its exchange, the neighbours that relay to it.
        int recommendations = keeper.relays(from) ? RECOMMENDED_PER_EXCHANGE : 0;
        for (org.parley.proto.wire.v1.PeerRecord proto : exchange.getRecordsList()) {
            var verified = intake.verify(from, proto);
            if (verified.isPresent()) {
                PeerRecord record = verified.get();
                intake.offer(from, record);
                if (recommendations-- > 0 && !record.peer().equals(self)) {
                    keeper.recommend(record.peer());
                }
            }
        }
    }

    /**
     * Asks the neighbour that brought us most first copies for records, at most once a
     * {@link DiscoveryConfig#redialAfter()}: its answer names first the peers relaying to it.
     */
    void askTheBestRelay(List<PeerId> linked) {
        long now = clock.nowMillis();
        keeper.bestRelay(linked, peer -> !askedMillis.containsKey(peer)).ifPresent(best -> {
            askedMillis.put(best, now);
            links.send(best, REQUEST);
        });
    }

    /**
     * An empty exchange asks for records. A small frame that makes us send many is worth
     * limiting: one answer per peer per {@link DiscoveryConfig#redialAfter()}; more are ignored.
     */
    private void answerRequest(PeerId from) {
        long now = clock.nowMillis();
        answeredMillis.values().removeIf(answered -> now - answered >= config.redialAfter().toMillis());
        if (answeredMillis.putIfAbsent(from, now) == null) {
            send(from);
        }
    }

    /**
     * Sends {@code to} a sample of the records we hold, those of our neighbours that relay to us
     * first (a recommendation its receiver may act on if we relay to it), the rest drawn at random.
     */
    void send(PeerId to) {
        long now = clock.nowMillis();
        List<PeerRecord> sample = new ArrayList<>();
        for (PeerId peer : random.pick(links.linkedPeers(), RECOMMENDED_PER_EXCHANGE,
                peer -> !peer.equals(to) && keeper.relays(peer))) {
            book.get(peer, now).ifPresent(sample::add);
        }
        List<PeerId> named = sample.stream().map(PeerRecord::peer).toList();
        sample.addAll(random.pick(book.records(now), config.exchangeSize() - sample.size(),
                record -> !record.peer().equals(to) && !named.contains(record.peer())));
        if (sample.isEmpty()) {
            return;
        }
        PeerExchange.Builder exchange = PeerExchange.newBuilder();
        sample.forEach(record -> exchange.addRecords(record.toProto()));
        links.send(to, Frame.newBuilder().setPeerExchange(exchange).build());
    }
}
