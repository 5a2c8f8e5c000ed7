package org.parley.link;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one-off dials the overlay asks for, to addresses it learned from others (records, DHT
 * contacts): each only into a network this node is on (see {@link LearnedAddresses}), and a
 * peer's several targets in turn (its own address first, then circuits at its relays), the next
 * only once the one before failed. Unlike the links the node keeps, nothing here is retried. A
 * target already being dialled is not dialled again: several layers learn the same record at
 * once (the peer reacher, discovery, the DHT), and each extra dial cost a TLS handshake for a
 * link that {@link DuplicateLinks} then closed. Confined to the loop, like the {@link LinkManager}
 * it serves.
 */
final class LearnedDials {
    private final Network network;
    /** Where this node is itself: its listen addresses and the addresses it keeps links to. */
    private final Supplier<List<HostPort>> ownAddresses;
    /** A dial to ourselves, to a neighbour we are linked with, or to a banned peer. */
    private final Predicate<DialTarget> needless;
    /** The targets still to try, by the target being dialled now. */
    private final Map<DialTarget, List<DialTarget>> untried = new HashMap<>();
    /**
     * Our dials not yet up nor failed, with when each began. The network ends every dial (up, or
     * failed within its connect and hello timeouts); the age limit only keeps a dial it somehow
     * never ended from barring that target for good.
     */
    private final Map<DialTarget, Long> dialling = new HashMap<>();
    private final LongSupplier nowMillis;
    private long refused;

    /** How long a dial counts as under way at most. */
    static final long DIAL_UNDER_WAY_MILLIS = 60_000;

    LearnedDials(Network network, Supplier<List<HostPort>> ownAddresses, Predicate<DialTarget> needless,
                 LongSupplier nowMillis) {
        this.network = network;
        this.ownAddresses = ownAddresses;
        this.needless = needless;
        this.nowMillis = nowMillis;
    }

    void dialOnce(DialTarget target) {
        if (needless.test(target) || underWay(target)) {
            return;
        }
        if (!LearnedAddresses.mayDial(target.address(), ownAddresses.get())) {
            refused++;
            return;
        }
        dial(target);
    }

    void dialInTurn(List<DialTarget> learned) {
        // Direct and relay addresses alike come from a record: the same rule as dialOnce.
        List<HostPort> own = ownAddresses.get();
        List<DialTarget> targets = new ArrayList<>();
        for (DialTarget target : learned) {
            if (LearnedAddresses.mayDial(target.address(), own)) {
                targets.add(target);
            } else {
                refused++;
            }
        }
        if (targets.isEmpty()) {
            return;
        }
        DialTarget first = targets.get(0);
        List<DialTarget> rest = List.copyOf(targets.subList(1, targets.size()));
        if (needless.test(first)) {
            return;
        }
        if (underWay(first)) {
            // The dial under way decides: if it fails, this turn's other targets are tried then.
            if (!rest.isEmpty()) {
                untried.putIfAbsent(first, rest);
            }
            return;
        }
        if (!rest.isEmpty()) {
            untried.put(first, rest);
        }
        dial(first);
    }

    /** The dial to {@code target} made a link, which now waits for its Hello. */
    void up(DialTarget target) {
        dialling.remove(target);
    }

    /** The dial to {@code target} linked: the rest of its turn is not needed. */
    void linked(DialTarget target) {
        untried.remove(target);
    }

    /** The dial to {@code target} failed: the next target of its turn, if any, is dialled now. */
    void failed(DialTarget target) {
        dialling.remove(target);
        List<DialTarget> next = untried.remove(target);
        if (next != null) {
            dialInTurn(next);
        }
    }

    void stop() {
        untried.clear();
        dialling.clear();
    }

    private void dial(DialTarget target) {
        dialling.put(target, nowMillis.getAsLong());
        network.dial(target);
    }

    private boolean underWay(DialTarget target) {
        Long since = dialling.get(target);
        return since != null && nowMillis.getAsLong() - since < DIAL_UNDER_WAY_MILLIS;
    }

    /** Dials refused because they lead into a network this node is not on. */
    long refused() {
        return refused;
    }
}
