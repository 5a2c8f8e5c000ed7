package org.parley.overlay.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.parley.runtime.VirtualScheduler;

/**
 * Lookups across a thousand routing tables filled the way a running network fills them, answered
 * by calling the other tables directly. Seeded, so every run is the same run.
 */
class DhtNetworkSimulationTest {
    private static final int NODES = 1_000;
    /** Peers a node met by chance (bootstrap, peer exchange, earlier lookups). */
    private static final int RANDOM_ACQUAINTANCES = 50;
    /** Its closest peers, which its own join lookup finds and which keep finding it. */
    private static final int NEIGHBOURHOOD = 20;
    private static final int LOOKUPS = 1_000;

    private final SeededRng rng = new SeededRng(20_261_125);
    private final VirtualScheduler clock = new VirtualScheduler(0);
    private final List<Contact> nodes = new ArrayList<>();
    private final Map<PeerId, RoutingTable> tables = new HashMap<>();

    /** What a batch of lookups achieved. */
    private record Outcome(int found, List<Integer> hopsWhenFound, int queries) {
        int medianHops() {
            List<Integer> sorted = new ArrayList<>(hopsWhenFound);
            sorted.sort(null);
            return sorted.get(sorted.size() / 2);
        }
    }

    private void buildNetwork() {
        for (int i = 0; i < NODES; i++) {
            PeerId peer = Peers.random(rng);
            nodes.add(Contact.of(peer, new HostPort("10." + (i / 256) + "." + (i % 256) + ".1", 4000), 0));
        }
        for (Contact node : nodes) {
            RoutingTable table = new RoutingTable(node.peer(), clock, RoutingTableConfig.defaults());
            for (int i = 0; i < RANDOM_ACQUAINTANCES; i++) {
                Contact other = nodes.get((int) rng.nextLong(NODES));
                table.insert(other.peer(), other.address());
            }
            List<Contact> byDistance = new ArrayList<>(nodes);
            byDistance.sort((a, b) -> node.key().compareDistances(a.key(), b.key()));
            // The first is the node itself, which the table refuses.
            for (Contact neighbour : byDistance.subList(0, NEIGHBOURHOOD + 1)) {
                table.insert(neighbour.peer(), neighbour.address());
            }
            tables.put(node.peer(), table);
        }
    }

    private Outcome lookUp(Set<PeerId> liars) {
        LookupConfig config = LookupConfig.defaults();
        int found = 0;
        int queries = 0;
        List<Integer> hops = new ArrayList<>();
        for (int i = 0; i < LOOKUPS; i++) {
            Contact source = randomHonestNode(liars);
            Contact target = nodes.get((int) rng.nextLong(NODES));
            if (target.peer().equals(source.peer())) {
                i--;
                continue;
            }
            IterativeLookup lookup = IterativeLookup.start(tables.get(source.peer()), target.key(), config);
            while (!lookup.isFinished()) {
                for (Contact queried : lookup.nextQueries()) {
                    List<Contact> answer = liars.contains(queried.peer())
                            ? farContacts(target.key(), config.k())
                            : tables.get(queried.peer()).closest(target.key(), config.k());
                    lookup.responded(queried.peer(), answer);
                }
            }
            assertTrue(lookup.offences().isEmpty(), "lying with well-formed answers is no protocol offence");
            queries += lookup.queriesSent();
            if (!lookup.result().isEmpty() && lookup.result().get(0).peer().equals(target.peer())) {
                found++;
                hops.add(lookup.hops());
            }
        }
        return new Outcome(found, hops, queries);
    }

    private Contact randomHonestNode(Set<PeerId> liars) {
        while (true) {
            Contact node = nodes.get((int) rng.nextLong(NODES));
            if (!liars.contains(node.peer())) {
                return node;
            }
        }
    }

    /** What a liar returns: k random peers from the half of the key space away from the target. */
    private List<Contact> farContacts(DhtKey target, int k) {
        List<Contact> far = new ArrayList<>();
        Set<PeerId> chosen = new HashSet<>();
        while (far.size() < k) {
            Contact node = nodes.get((int) rng.nextLong(NODES));
            if (target.commonPrefixLength(node.key()) == 0 && chosen.add(node.peer())) {
                far.add(node);
            }
        }
        return far;
    }

    @Test
    void everyLookupFindsItsTargetInFewHops() {
        buildNetwork();

        Outcome outcome = lookUp(Set.of());

        assertEquals(LOOKUPS, outcome.found());
        assertTrue(outcome.medianHops() <= 4, "median hops " + outcome.medianHops());
        // Confirming the k closest costs about k queries; much more would mean wasted rounds.
        assertTrue(outcome.queries() <= LOOKUPS * 30, outcome.queries() + " queries for " + LOOKUPS + " lookups");
    }

    @Test
    void lookupsStillFindTheirTargetWhenAFifthOfTheNodesLie() {
        buildNetwork();
        Set<PeerId> liars = new HashSet<>();
        while (liars.size() < NODES / 5) {
            liars.add(nodes.get((int) rng.nextLong(NODES)).peer());
        }

        Outcome outcome = lookUp(liars);

        assertTrue(outcome.found() >= LOOKUPS * 99 / 100, outcome.found() + " of " + LOOKUPS + " lookups found their target");
        assertTrue(outcome.medianHops() <= 4, "median hops " + outcome.medianHops());
    }
}
