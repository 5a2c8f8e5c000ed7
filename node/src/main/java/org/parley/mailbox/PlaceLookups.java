package org.parley.mailbox;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.parley.identity.PeerId;
import org.parley.overlay.record.PeerRecord;
import org.parley.runtime.Clock;

/**
 * The recipient's lookups of the peers closest to its places. Replicas move each envelope, by
 * lookups of their own, to the k peers really closest to its place; a recipient that asked only
 * the closest peers of its own routing table would miss them whenever its table holds none of
 * them, which in a network of a thousand nodes (a few hundred of them dialable) is common, and
 * likelier still for a node just back from being away. So each place is looked up in the network
 * too, a few lookups at a time; an answer stands for a while, as the replicas' own do, and one
 * that found fewer than k peers (the node's table still forming) does not. Confined to the loop.
 */
final class PlaceLookups {
    /** Lookups running at once, at most: the first round after a start asks for many places. */
    static final int AT_ONCE = 8;
    /** How long an answer stands: looking up again is for mail that arrives while we are here. */
    static final long STANDS_MILLIS = 30 * 60 * 1000;

    private record Found(List<PeerRecord> closest, long atMillis) {
    }

    private final ReplicaFinder finder;
    private final Clock clock;
    private final int count;
    private final int enough;
    /** Told of each answer, with the place it was for, to ask the peers it found. */
    private final BiConsumer<PeerId, List<PeerRecord>> found;
    private final Map<PeerId, Found> answers = new HashMap<>();
    private final Set<PeerId> running = new HashSet<>();
    private final ArrayDeque<PeerId> waiting = new ArrayDeque<>();
    private final Set<PeerId> queued = new HashSet<>();
    private boolean stopped;

    /** Up to {@code count} peers per place; an answer of fewer than {@code enough} does not stand. */
    PlaceLookups(ReplicaFinder finder, Clock clock, int count, int enough,
                 BiConsumer<PeerId, List<PeerRecord>> found) {
        this.finder = finder;
        this.clock = clock;
        this.count = count;
        this.enough = enough;
        this.found = found;
    }

    /** The peers the standing lookup of {@code place} found, closest first; none without one. */
    List<PeerRecord> closest(PeerId place) {
        Found answer = answers.get(place);
        return answer == null ? List.of() : answer.closest();
    }

    /** Looks up each of {@code places} whose answer does not stand, a few at a time. */
    void refresh(List<PeerId> places) {
        long now = clock.nowMillis();
        answers.values().removeIf(answer -> now - answer.atMillis() >= STANDS_MILLIS);
        for (PeerId place : places) {
            if (!answers.containsKey(place) && !running.contains(place) && queued.add(place)) {
                waiting.add(place);
            }
        }
        startWaiting();
    }

    void stop() {
        stopped = true;
        waiting.clear();
        queued.clear();
    }

    private void startWaiting() {
        while (!stopped && running.size() < AT_ONCE && !waiting.isEmpty()) {
            PeerId place = waiting.poll();
            queued.remove(place);
            running.add(place);
            finder.lookUpClosest(place, count).whenComplete((closest, error) -> {
                running.remove(place);
                if (stopped) {
                    return;
                }
                if (error == null) {
                    if (closest.size() >= enough) {
                        answers.put(place, new Found(List.copyOf(closest), clock.nowMillis()));
                    }
                    found.accept(place, closest);
                }
                startWaiting();
            });
        }
    }
}
