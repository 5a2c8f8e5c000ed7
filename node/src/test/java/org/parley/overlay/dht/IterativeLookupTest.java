package org.parley.overlay.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.parley.identity.PeerId;
import org.parley.link.HostPort;
import org.parley.runtime.SeededRng;

/** Lookups over small networks where each node's answer is written out by hand. */
class IterativeLookupTest {
    private final SeededRng rng = new SeededRng(3);
    private final PeerId self = Peers.random(rng);
    private final Map<PeerId, List<Contact>> answers = new HashMap<>();
    private final Set<PeerId> unreachable = new HashSet<>();
    private int nextHost;

    private Contact node() {
        nextHost++;
        return Contact.of(Peers.random(rng), new HostPort("10.0." + nextHost + ".1", 4000), 0);
    }

    private List<Contact> nodes(int count) {
        List<Contact> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(node());
        }
        return nodes;
    }

    private static List<Contact> byDistance(List<Contact> contacts, DhtKey target) {
        List<Contact> sorted = new ArrayList<>(contacts);
        sorted.sort((x, y) -> target.compareDistances(x.key(), y.key()));
        return sorted;
    }

    private void answers(Contact node, Contact... contacts) {
        answers.put(node.peer(), List.of(contacts));
    }

    /** Answers every query the lookup hands out, one batch at a time, until it finishes. */
    private void run(IterativeLookup lookup) {
        while (!lookup.isFinished()) {
            List<Contact> batch = lookup.nextQueries();
            assertFalse(batch.isEmpty(), "an unfinished lookup with nothing in flight must have a query to send");
            for (Contact queried : batch) {
                if (unreachable.contains(queried.peer())) {
                    lookup.failed(queried.peer());
                } else {
                    lookup.responded(queried.peer(), answers.getOrDefault(queried.peer(), List.of()));
                }
            }
        }
    }

    private static List<PeerId> peers(List<Contact> contacts) {
        return contacts.stream().map(Contact::peer).toList();
    }

    @Test
    void followsAChainOfReferralsToTheTarget() {
        Contact a = node();
        Contact b = node();
        Contact target = node();
        answers(a, b);
        answers(b, target);
        IterativeLookup lookup = new IterativeLookup(target.key(), self, List.of(a), new LookupConfig(3, 3, 10));

        run(lookup);

        assertEquals(target.peer(), lookup.result().get(0).peer());
        assertEquals(Set.of(a.peer(), b.peer(), target.peer()), Set.copyOf(peers(lookup.result())));
        assertEquals(2, lookup.hops());
        assertEquals(3, lookup.queriesSent());
        assertTrue(lookup.offences().isEmpty());
    }

    @Test
    void aTargetInTheStartingSetTakesNoHops() {
        Contact target = node();
        IterativeLookup lookup = new IterativeLookup(target.key(), self, List.of(target, node()), new LookupConfig(3, 3, 10));
        run(lookup);
        assertEquals(target.peer(), lookup.result().get(0).peer());
        assertEquals(0, lookup.hops());
    }

    @Test
    void routesAroundAPeerThatTimesOut() {
        Contact dead = node();
        Contact alive = node();
        Contact target = node();
        answers(alive, target, dead);
        unreachable.add(dead.peer());
        IterativeLookup lookup = new IterativeLookup(target.key(), self, List.of(dead, alive), new LookupConfig(3, 3, 10));

        run(lookup);

        assertEquals(Set.of(target.peer(), alive.peer()), Set.copyOf(peers(lookup.result())));
        assertEquals(target.peer(), lookup.result().get(0).peer());
        assertEquals(3, lookup.queriesSent(), "a failed peer is not asked again when another names it");
    }

    @Test
    void keepsAlphaQueriesInFlightAndAsksTheClosestFirst() {
        List<Contact> start = nodes(6);
        DhtKey target = node().key();
        IterativeLookup lookup = new IterativeLookup(target, self, start, new LookupConfig(20, 3, 100));
        List<Contact> byDistance = byDistance(start, target);

        List<Contact> first = lookup.nextQueries();
        assertEquals(byDistance.subList(0, 3), first);
        assertTrue(lookup.nextQueries().isEmpty());

        lookup.responded(first.get(1).peer(), List.of());
        assertEquals(List.of(byDistance.get(3)), lookup.nextQueries());
        lookup.failed(first.get(0).peer());
        assertEquals(List.of(byDistance.get(4)), lookup.nextQueries());
        assertEquals(5, lookup.queriesSent());
    }

    @Test
    void aStalledQueryFreesItsSlotAndItsLateAnswerStillCounts() {
        List<Contact> start = nodes(5);
        DhtKey target = node().key();
        IterativeLookup lookup = new IterativeLookup(target, self, start, new LookupConfig(20, 3, 100));
        List<Contact> byDistance = byDistance(start, target);
        List<Contact> first = lookup.nextQueries();
        Contact slow = first.get(0);
        Contact nearest = Contact.of(Peers.inBucket(target, 16, rng), new HostPort("10.3.0.1", 4000), 0);

        lookup.stalled(slow.peer());
        assertEquals(List.of(byDistance.get(3)), lookup.nextQueries(), "the stalled slot goes to the next closest");
        lookup.stalled(slow.peer());
        assertTrue(lookup.nextQueries().isEmpty(), "stalling twice frees one slot, not two");

        lookup.responded(slow.peer(), List.of(nearest));
        assertTrue(lookup.nextQueries().isEmpty(), "a stalled answer frees no slot: it held none");
        lookup.responded(first.get(1).peer(), List.of());
        assertEquals(List.of(nearest), lookup.nextQueries(), "what the slow peer named is asked next");
        for (Contact asked : List.of(first.get(2), byDistance.get(3), nearest)) {
            lookup.responded(asked.peer(), List.of());
        }
        run(lookup);
        assertEquals(nearest.peer(), lookup.result().get(0).peer());
        assertTrue(peers(lookup.result()).contains(slow.peer()), "a stalled peer that answered is a result");
    }

    @Test
    void aLookupWaitsForItsStalledQueriesBeforeItFinishes() {
        Contact slow = node();
        IterativeLookup lookup = new IterativeLookup(node().key(), self, List.of(slow), new LookupConfig(3, 3, 10), true);
        assertEquals(List.of(slow), lookup.nextQueries());
        lookup.stalled(slow.peer());

        assertTrue(lookup.nextQueries().isEmpty());
        assertFalse(lookup.isFinished(), "nobody else to ask, but the stalled peer may still answer");
        lookup.failed(slow.peer());
        assertTrue(lookup.isFinished());
        assertTrue(lookup.result().isEmpty());
    }

    @Test
    void stallingAPeerNotInFlightChangesNothing() {
        Contact a = node();
        Contact b = node();
        IterativeLookup lookup = new IterativeLookup(node().key(), self, List.of(a, b), new LookupConfig(3, 1, 10));
        lookup.stalled(a.peer());
        lookup.stalled(b.peer());
        Contact first = lookup.nextQueries().get(0);
        lookup.responded(first.peer(), List.of());
        lookup.stalled(first.peer());
        assertEquals(1, lookup.nextQueries().size(), "a peer that answered does not free a second slot");
        assertTrue(lookup.nextQueries().isEmpty());
    }

    @Test
    void neverQueriesItselfWhenNamedInAnAnswer() {
        Contact a = node();
        Contact me = Contact.of(self, new HostPort("10.9.9.9", 4000), 0);
        answers(a, me);
        IterativeLookup lookup = new IterativeLookup(me.key(), self, List.of(a), new LookupConfig(3, 3, 10));
        run(lookup);
        assertEquals(List.of(a.peer()), peers(lookup.result()));
        assertEquals(1, lookup.queriesSent());
    }

    @Test
    void reportsAPeerReturningMoreThanKContactsAndIgnoresWhatItSaid() {
        Contact flooder = node();
        Contact honest = node();
        Contact target = node();
        List<Contact> flood = new ArrayList<>(List.of(target));
        for (int i = 0; i < 3; i++) {
            flood.add(node());
        }
        answers.put(flooder.peer(), flood);
        IterativeLookup lookup = new IterativeLookup(target.key(), self, List.of(flooder, honest), new LookupConfig(3, 3, 10));

        run(lookup);

        assertEquals(List.of(flooder.peer()), lookup.offences().stream().map(IterativeLookup.Offence::peer).toList());
        assertTrue(lookup.offences().get(0).reason().contains("more than k"));
        assertEquals(List.of(honest.peer()), peers(lookup.result()), "the flooder is no result, and nobody it named was asked");
        assertEquals(2, lookup.queriesSent());
    }

    @Test
    void reportsDuplicateAndMalformedContacts() {
        Contact duplicator = node();
        Contact malformed = node();
        Contact repeated = node();
        answers(duplicator, repeated, repeated);
        List<Contact> withNull = new ArrayList<>();
        withNull.add(null);
        answers.put(malformed.peer(), withNull);
        IterativeLookup lookup = new IterativeLookup(node().key(), self, List.of(duplicator, malformed), LookupConfig.defaults());

        run(lookup);

        assertEquals(Set.of(duplicator.peer(), malformed.peer()),
                Set.copyOf(lookup.offences().stream().map(IterativeLookup.Offence::peer).toList()));
        assertTrue(lookup.result().isEmpty());
    }

    @Test
    void ignoresAnswersNobodyAskedFor() {
        Contact asked = node();
        Contact stranger = node();
        IterativeLookup lookup = new IterativeLookup(node().key(), self, List.of(asked), new LookupConfig(3, 3, 10));
        lookup.responded(asked.peer(), List.of(stranger));
        lookup.responded(stranger.peer(), List.of(node()));
        assertEquals(0, lookup.queriesSent());

        lookup.nextQueries();
        lookup.responded(asked.peer(), List.of());
        lookup.responded(asked.peer(), List.of(stranger));

        assertTrue(lookup.isFinished());
        assertEquals(List.of(asked.peer()), peers(lookup.result()));
    }

    @Test
    void stopsAtTheQueryCapWhenEveryAnswerPointsCloser() {
        DhtKey target = node().key();
        IterativeLookup lookup = new IterativeLookup(target, self, List.of(node()), new LookupConfig(3, 3, 10));
        int prefix = 0;
        while (!lookup.isFinished()) {
            for (Contact queried : lookup.nextQueries()) {
                // Each answer names peers sharing a longer prefix with the target than anyone before.
                prefix++;
                List<Contact> closer = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    closer.add(Contact.of(Peers.inBucket(target, prefix, rng), new HostPort("10.1.1." + i, 1), 0));
                }
                lookup.responded(queried.peer(), closer);
            }
        }
        assertEquals(10, lookup.queriesSent());
        assertTrue(lookup.nextQueries().isEmpty());
    }

    @Test
    void aRecordLookupAsksOnPastTheKClosestUntilNobodyIsLeft() {
        DhtKey target = node().key();
        Contact near = Contact.of(Peers.inBucket(target, 8, rng), new HostPort("10.2.0.1", 4000), 0);
        Contact nearToo = Contact.of(Peers.inBucket(target, 9, rng), new HostPort("10.2.1.1", 4000), 0);
        // Farther from the target than both, yet the one that holds what the lookup is after.
        Contact holder = Contact.of(Peers.inBucket(target, 1, rng), new HostPort("10.2.2.1", 4000), 0);
        answers(near, nearToo, holder);
        answers(nearToo, near, holder);
        LookupConfig config = new LookupConfig(2, 3, 10);

        IterativeLookup closestOnly = new IterativeLookup(target, self, List.of(near, nearToo), config);
        run(closestOnly);
        assertEquals(2, closestOnly.queriesSent(), "the k closest answered: a node lookup is done");

        IterativeLookup untilExhausted = new IterativeLookup(target, self, List.of(near, nearToo), config, true);
        run(untilExhausted);
        assertEquals(3, untilExhausted.queriesSent(), "a record lookup asks the farther peer too");
        assertEquals(List.of(nearToo.peer(), near.peer()), peers(untilExhausted.result()));
    }

    @Test
    void aRecordLookupStillStopsAtTheQueryCap() {
        DhtKey target = node().key();
        IterativeLookup lookup = new IterativeLookup(target, self, List.of(node()), new LookupConfig(2, 3, 5), true);
        while (!lookup.isFinished()) {
            for (Contact queried : lookup.nextQueries()) {
                lookup.responded(queried.peer(), List.of(node(), node()));
            }
        }
        assertEquals(5, lookup.queriesSent());
    }

    @Test
    void anEmptyStartFinishesAtOnce() {
        IterativeLookup lookup = new IterativeLookup(node().key(), self, List.of(), LookupConfig.defaults());
        assertTrue(lookup.isFinished());
        assertTrue(lookup.nextQueries().isEmpty());
        assertTrue(lookup.result().isEmpty());
    }

    @Test
    void aDeferredQueryIsHandedOutAgainFirstAndCountsNeitherAsAskedNorAgainstTheCap() {
        Contact target = node();
        List<Contact> start = byDistance(nodes(4), target.key());
        IterativeLookup lookup = new IterativeLookup(target.key(), self, start, new LookupConfig(4, 1, 4));

        Contact closest = lookup.nextQueries().get(0);
        assertEquals(start.get(0), closest);
        lookup.deferred(closest.peer());

        assertFalse(lookup.askedPeers().contains(closest.peer()));
        assertEquals(0, lookup.queriesSent());
        assertEquals(List.of(closest), lookup.nextQueries(), "still first in line");
        for (Contact contact : start) {
            if (!contact.equals(closest)) {
                lookup.responded(closest.peer(), List.of());
                assertEquals(List.of(contact), lookup.nextQueries());
                closest = contact;
            }
        }
        lookup.responded(closest.peer(), List.of());
        assertTrue(lookup.isFinished());
        assertEquals(4, lookup.result().size(), "all four asked within the cap of four");
    }
}
