package org.parley.overlay.dht;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.logging.Logger;
import org.parley.identity.PeerId;
import org.parley.link.Neighbours;
import org.parley.overlay.record.PeerRecord;
import org.parley.overlay.record.PeerRecordException;
import org.parley.overlay.record.RecordVerifier;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.LookupProxyFrame;
import org.parley.proto.wire.v1.ProxiedAnswer;
import org.parley.proto.wire.v1.ProxiedQuestion;
import org.parley.runtime.Clock;
import org.parley.runtime.Rng;
import org.parley.runtime.Scheduler;

/**
 * Looks peers up through two other peers, so that the peers near a target's key, who answer a
 * lookup, do not see this node ask for it (decision 0085). A record held here is used as it is;
 * otherwise the question is sealed to a second hop, picked at random among linked peers that take
 * proxied lookups and can be dialled, and handed to a first, another such peer, which passes it
 * on. The record comes back sealed to the question's one-time key and is checked as any record.
 * A route that fails (silence, a refusal, an answer that does not open) is replaced once by
 * other hops; then the lookup ends without a record, as one that found nothing: asking directly
 * then would let any hop that drops questions bring the leak back. Only when fewer than two such
 * peers are linked does this node look up directly ({@link DhtService}), as before. Confined to the
 * node's loop.
 */
public final class ProxiedLookups implements PeerLookups {
    private static final Logger LOG = Logger.getLogger(ProxiedLookups.class.getName());
    /** How long the asker waits: hop 1 waits {@link LookupProxy#PASS_TIMEOUT} for hop 2, then answers. */
    static final Duration ANSWER_TIMEOUT = LookupProxy.PASS_TIMEOUT.plusSeconds(5);
    /** Routes tried per lookup. */
    static final int ROUTES = 2;

    /** Two hops: the neighbour handed the question, and the peer it is sealed to. */
    record Route(PeerId hop1, PeerId hop2) {
    }

    /** A question of ours on its way. */
    private static final class Pending {
        final PeerId target;
        final boolean newest;
        final Route route;
        final byte[] answerKey;
        final int attempt;
        final Set<PeerId> used;
        final CompletableFuture<LookupResult> result;
        Scheduler.Cancellable timer;

        Pending(PeerId target, boolean newest, Route route, byte[] answerKey, int attempt, Set<PeerId> used,
                CompletableFuture<LookupResult> result) {
            this.target = target;
            this.newest = newest;
            this.route = route;
            this.answerKey = answerKey;
            this.attempt = attempt;
            this.used = used;
            this.result = result;
        }
    }

    private final PeerId self;
    private final DhtService dht;
    private final LookupProxy proxy;
    private final Neighbours links;
    private final Function<PeerId, Optional<PeerRecord>> records;
    private final RecordVerifier verifier;
    private final Scheduler scheduler;
    private final Clock clock;
    private final Rng rng;
    private final SecureRandom random;
    private final Map<Long, Pending> pending = new HashMap<>();

    /**
     * @param records what this node knows of a linked peer (its record, for whether it can be
     *                dialled: hop 1 may have to dial hop 2)
     */
    public ProxiedLookups(PeerId self, DhtService dht, LookupProxy proxy, Neighbours links,
                          Function<PeerId, Optional<PeerRecord>> records, RecordVerifier verifier, Scheduler scheduler,
                          Clock clock, Rng rng, SecureRandom random) {
        this.self = self;
        this.dht = dht;
        this.proxy = proxy;
        this.links = links;
        this.records = records;
        this.verifier = verifier;
        this.scheduler = scheduler;
        this.clock = clock;
        this.rng = rng;
        this.random = random;
        proxy.answersTo(this);
    }

    @Override
    public CompletableFuture<LookupResult> lookup(PeerId peer) {
        if (peer.equals(self) || dht.heldRecord(peer).isPresent()) {
            return dht.lookup(peer);
        }
        return throughHops(peer, false).orElseGet(() -> dht.lookup(peer));
    }

    @Override
    public CompletableFuture<LookupResult> lookupNewest(PeerId peer) {
        if (peer.equals(self)) {
            return dht.lookupNewest(peer);
        }
        Optional<PeerRecord> held = dht.heldRecord(peer);
        return throughHops(peer, true).map(asked -> asked.thenApply(result -> held.isEmpty() ? result
                : new LookupResult(Optional.of(result.record().map(found -> DhtKnowledge.newer(held.get(), found))
                        .orElse(held.get())), result.hops(), result.queries())))
                .orElseGet(() -> dht.lookupNewest(peer));
    }

    /** Two distinct hops for a lookup of {@code target}, avoiding {@code used}; empty when there are not two. */
    Optional<Route> route(PeerId target, Set<PeerId> used) {
        List<PeerId> capable = new ArrayList<>(proxy.capablePeers());
        capable.removeIf(peer -> peer.equals(target) || used.contains(peer));
        List<PeerId> dialable = capable.stream().filter(peer -> records.apply(peer)
                .map(record -> !record.addresses().isEmpty()).orElse(false)).toList();
        if (dialable.isEmpty() || capable.size() < 2) {
            return Optional.empty();
        }
        PeerId hop2 = dialable.get((int) rng.nextLong(dialable.size()));
        capable.remove(hop2);
        PeerId hop1 = capable.get((int) rng.nextLong(capable.size()));
        return Optional.of(new Route(hop1, hop2));
    }

    /** The lookup through hops, or empty when fewer than two peers could serve as hops. */
    private Optional<CompletableFuture<LookupResult>> throughHops(PeerId target, boolean newest) {
        Optional<Route> route = route(target, Set.of());
        if (route.isEmpty()) {
            LOG.fine(() -> "no two peers to look " + target.shortForm() + " up through: looking it up directly");
            return Optional.empty();
        }
        CompletableFuture<LookupResult> result = new CompletableFuture<>();
        ask(target, newest, route.get(), 1, new HashSet<>(), result);
        return Optional.of(result);
    }

    private void ask(PeerId target, boolean newest, Route route, int attempt, Set<PeerId> used,
                     CompletableFuture<LookupResult> result) {
        used.add(route.hop1());
        used.add(route.hop2());
        LookupBox.Sealed sealed = LookupBox.seal(route.hop2(), target, newest, clock.nowMillis(), random);
        long id = proxy.nextRequestId();
        Pending question = new Pending(target, newest, route, sealed.answerKey(), attempt, used, result);
        pending.put(id, question);
        question.timer = scheduler.schedule(ANSWER_TIMEOUT, () -> {
            if (pending.remove(id) != null) {
                failed(question, "no answer");
            }
        });
        boolean sent = links.send(route.hop1(), Frame.newBuilder().setLookupProxy(LookupProxyFrame.newBuilder()
                .setRequestId(id).setQuestion(ProxiedQuestion.newBuilder()
                        .setNextHop(ByteString.copyFrom(route.hop2().publicKey()))
                        .setEphemeral(ByteString.copyFrom(sealed.ephemeral()))
                        .setSealed(ByteString.copyFrom(sealed.box())))).build());
        if (!sent && pending.remove(id) != null) {
            question.timer.cancel();
            failed(question, "hop 1 not linked");
        }
    }

    /** An answer from hop 1; false when it answers no question of ours asked through {@code from}. */
    boolean answered(PeerId from, long requestId, ProxiedAnswer answer) {
        Pending question = pending.get(requestId);
        if (question == null || !from.equals(question.route.hop1())) {
            return false;
        }
        pending.remove(requestId);
        question.timer.cancel();
        if (answer.getOutcome() != ProxiedAnswer.Outcome.ANSWERED) {
            failed(question, "refused: " + answer.getOutcome());
            return true;
        }
        Optional<PeerRecord> record;
        try {
            Optional<org.parley.proto.wire.v1.PeerRecord> found = LookupBox.openAnswer(question.answerKey,
                    answer.getSealed().toByteArray());
            record = found.isEmpty() ? Optional.empty() : Optional.of(verifier.verify(found.get(), clock.nowMillis()));
        } catch (LookupBox.Unopened | PeerRecordException e) {
            // Hop 1 or hop 2 made it, and we cannot tell which: neither is scored, the route is dropped.
            failed(question, e.getMessage());
            return true;
        }
        if (record.isPresent() && !record.get().peer().equals(question.target)) {
            failed(question, "a record of another peer");
            return true;
        }
        question.result.complete(new LookupResult(record, 2, question.attempt));
        return true;
    }

    private void failed(Pending question, String why) {
        LOG.fine(() -> "proxied lookup of " + question.target.shortForm() + " through "
                + question.route.hop1().shortForm() + " and " + question.route.hop2().shortForm() + " failed: " + why);
        Optional<Route> next = question.attempt < ROUTES ? route(question.target, question.used) : Optional.empty();
        if (next.isPresent()) {
            ask(question.target, question.newest, next.get(), question.attempt + 1, question.used, question.result);
        } else {
            question.result.complete(new LookupResult(Optional.empty(), 2, question.attempt));
        }
    }
}
