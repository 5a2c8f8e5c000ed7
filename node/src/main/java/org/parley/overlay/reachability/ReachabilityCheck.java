package org.parley.overlay.reachability;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.parley.identity.PeerId;
import org.parley.link.HostPort;
import org.parley.link.Neighbours;
import org.parley.proto.wire.v1.DialBackRequest;
import org.parley.proto.wire.v1.DialBackResponse;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.ReachabilityFrame;
import org.parley.runtime.Clock;
import org.parley.runtime.Rng;
import org.parley.runtime.Scheduler;

/**
 * Our side of dial-back checks: asks neighbours to dial us back where we listen, and tallies what
 * they found. One peer's word counts once, however often it answers; an address is confirmed only
 * when {@link ReachabilityConfig#confirmations()} distinct peers reached us there, so a single
 * lying neighbour cannot make us announce an address. Confined to the loop.
 */
final class ReachabilityCheck {
    /** An answer to nothing we asked, or one that breaks the protocol. */
    static final double PENALTY_BAD_ANSWER = 10;
    /** The addresses peers said they see us at, most recent last, at most this many. */
    static final int MAX_OBSERVED = 8;

    private final Neighbours links;
    private final Scheduler scheduler;
    private final Clock clock;
    private final Rng rng;
    private final ReachabilityConfig config;
    private final Supplier<List<HostPort>> listening;
    private final Map<Long, Pending> pending = new HashMap<>();
    /** The last verdict of each peer that dialled us back, in the order they came. */
    private final Map<PeerId, Answer> answers = new LinkedHashMap<>();
    private final Map<PeerId, Long> askedAtMillis = new HashMap<>();
    private final Set<HostPort> observed = new LinkedHashSet<>();
    /** Bumped by {@link #forget}: answers to requests of an earlier generation are taken but not counted. */
    private int generation;

    ReachabilityCheck(Neighbours links, Scheduler scheduler, Clock clock, Rng rng, ReachabilityConfig config,
                      Supplier<List<HostPort>> listening) {
        this.links = links;
        this.scheduler = scheduler;
        this.clock = clock;
        this.rng = rng;
        this.config = config;
        this.listening = listening;
    }

    /** Asks {@code peer} to dial us back, unless enough is known or it was asked lately. */
    void ask(PeerId peer) {
        expire();
        long now = clock.nowMillis();
        Long askedAt = askedAtMillis.get(peer);
        if (askedAt != null && now - askedAt < config.resultLifetime().toMillis()) {
            return;
        }
        long awaited = pending.values().stream().filter(asked -> asked.generation() == generation).count();
        if (awaited + answers.size() >= config.peersToAsk()) {
            return;
        }
        Optional<HostPort> candidate = listening.get().stream().filter(address -> address.port() != 0).findFirst();
        if (candidate.isEmpty()) {
            return;
        }
        long nonce = 1 + rng.nextLong(Long.MAX_VALUE - 1);
        Frame request = Frame.newBuilder().setReachability(ReachabilityFrame.newBuilder().setRequest(
                DialBackRequest.newBuilder().setNonce(nonce).setAddress(candidate.get().toString()))).build();
        if (!links.send(peer, request)) {
            return;
        }
        askedAtMillis.put(peer, now);
        pending.put(nonce, new Pending(peer, generation,
                scheduler.schedule(config.answerTimeout(), () -> pending.remove(nonce))));
    }

    void answer(PeerId from, DialBackResponse response) {
        Pending asked = pending.get(response.getNonce());
        if (asked == null || !asked.peer().equals(from)) {
            links.penalize(from, PENALTY_BAD_ANSWER, "dial-back answer to no request of ours");
            return;
        }
        HostPort address;
        try {
            address = HostPort.parse(response.getObservedAddress());
        } catch (IllegalArgumentException e) {
            links.penalize(from, PENALTY_BAD_ANSWER, "dial-back answer with a bad address: " + e.getMessage());
            return;
        }
        pending.remove(response.getNonce());
        asked.timeout().cancel();
        if (asked.generation() != generation) {
            return; // a dial-back to where we listened before: it says nothing about now
        }
        observed.remove(address);
        observed.add(address);
        while (observed.size() > MAX_OBSERVED) {
            observed.remove(observed.iterator().next());
        }
        switch (response.getOutcome()) {
            case REACHABLE -> record(from, new Answer(true, address, clock.nowMillis()));
            case UNREACHABLE -> record(from, new Answer(false, address, clock.nowMillis()));
            case REFUSED_OTHER_ADDRESS, RATE_LIMITED -> {
                // No verdict: the peer did not dial. It may be asked again once its answer is stale.
            }
            default -> links.penalize(from, PENALTY_BAD_ANSWER, "dial-back answer without an outcome");
        }
    }

    Reachability reachability() {
        expire();
        if (!confirmedAddresses().isEmpty()) {
            return Reachability.PUBLIC;
        }
        long failures = answers.values().stream().filter(answer -> !answer.reached()).count();
        long successes = answers.size() - failures;
        if (failures >= config.failuresForPrivate() && failures > successes) {
            return Reachability.PRIVATE;
        }
        return Reachability.UNKNOWN;
    }

    /** Addresses at which enough distinct peers reached us, in the order first confirmed. */
    List<HostPort> confirmedAddresses() {
        expire();
        Map<HostPort, Integer> reachedBy = new LinkedHashMap<>();
        answers.values().stream().filter(Answer::reached)
                .forEach(answer -> reachedBy.merge(answer.address(), 1, Integer::sum));
        List<HostPort> confirmed = new ArrayList<>();
        reachedBy.forEach((address, peers) -> {
            if (peers >= config.confirmations()) {
                confirmed.add(address);
            }
        });
        return confirmed;
    }

    /** Where peers saw us (our IP as they see it, and the port we listen on), most recent last. */
    List<HostPort> observedAddresses() {
        return List.copyOf(observed);
    }

    private void record(PeerId from, Answer answer) {
        answers.remove(from);
        answers.put(from, answer);
    }

    private void expire() {
        long oldest = clock.nowMillis() - config.resultLifetime().toMillis();
        answers.values().removeIf(answer -> answer.atMillis() < oldest);
        askedAtMillis.values().removeIf(askedAt -> askedAt < oldest);
    }

    /**
     * Forgets every verdict and when each peer was asked: where peers must dial us back has
     * changed (a port mapping came or went). Answers still on their way are taken without being
     * counted, so that their senders are not taken for liars.
     */
    void forget() {
        generation++;
        answers.clear();
        askedAtMillis.clear();
    }

    void stop() {
        pending.values().forEach(asked -> asked.timeout().cancel());
        pending.clear();
    }

    private record Pending(PeerId peer, int generation, Scheduler.Cancellable timeout) {
    }

    private record Answer(boolean reached, HostPort address, long atMillis) {
    }
}
