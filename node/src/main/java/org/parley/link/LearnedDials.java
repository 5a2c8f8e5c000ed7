package org.parley.link;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one-off dials the overlay asks for, to addresses it learned from others (records, DHT
 * contacts): each only into a network this node is on (see {@link LearnedAddresses}), and a
 * peer's several targets in turn (its own address first, then circuits at its relays), the next
 * only once the one before failed. Unlike the links the node keeps, nothing here is retried.
 * Confined to the loop, like the {@link LinkManager} it serves.
 */
final class LearnedDials {
    private final Network network;
    /** Where this node is itself: its listen addresses and the addresses it keeps links to. */
    private final Supplier<List<HostPort>> ownAddresses;
    /** A dial to ourselves, to a neighbour we are linked with, or to a banned peer. */
    private final Predicate<DialTarget> needless;
    /** The targets still to try, by the target being dialled now. */
    private final Map<DialTarget, List<DialTarget>> untried = new HashMap<>();
    private long refused;

    LearnedDials(Network network, Supplier<List<HostPort>> ownAddresses, Predicate<DialTarget> needless) {
        this.network = network;
        this.ownAddresses = ownAddresses;
        this.needless = needless;
    }

    void dialOnce(DialTarget target) {
        if (needless.test(target)) {
            return;
        }
        if (!LearnedAddresses.mayDial(target.address(), ownAddresses.get())) {
            refused++;
            return;
        }
        network.dial(target);
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
        if (!rest.isEmpty()) {
            untried.put(first, rest);
        }
        if (needless.test(first)) {
            untried.remove(first);
            return;
        }
        network.dial(first);
    }

    /** The dial to {@code target} linked: the rest of its turn is not needed. */
    void linked(DialTarget target) {
        untried.remove(target);
    }

    /** The dial to {@code target} failed: the next target of its turn, if any, is dialled now. */
    void failed(DialTarget target) {
        List<DialTarget> next = untried.remove(target);
        if (next != null) {
            dialInTurn(next);
        }
    }

    void stop() {
        untried.clear();
    }

    /** Dials refused because they lead into a network this node is not on. */
    long refused() {
        return refused;
    }
}
