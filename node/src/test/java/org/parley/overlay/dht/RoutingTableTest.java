package org.parley.overlay.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.identity.PeerId;
import org.parley.link.HostPort;
import org.parley.overlay.dht.RoutingTable.Outcome;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;

class RoutingTableTest {
    private final SeededRng rng = new SeededRng(1);
    private final VirtualScheduler clock = new VirtualScheduler(1_000_000);
    private final PeerId self = Peers.random(rng);
    private final DhtKey local = DhtKey.ofPeer(self);
    private int nextBlock;

    private RoutingTable table(int k, int replacements) {
        return new RoutingTable(self, clock, new RoutingTableConfig(k, replacements, 2, 10));
    }

    /** An address in a /24 no other call has used, so Sybil limits stay out of the way. */
    private HostPort freshAddress() {
        nextBlock++;
        return new HostPort("10." + (nextBlock / 256) + "." + (nextBlock % 256) + ".1", 4000);
    }

    private PeerId inBucket(int index) {
        return Peers.inBucket(local, index, rng);
    }

    private static List<PeerId> peers(List<Contact> contacts) {
        return contacts.stream().map(Contact::peer).toList();
    }

    @Test
    void fillsABucketInOrderAndRefreshMovesAContactToMostRecent() {
        RoutingTable table = table(3, 2);
        PeerId a = inBucket(0);
        PeerId b = inBucket(0);
        assertEquals(Outcome.ADDED, table.insert(a, freshAddress()).outcome());
        assertEquals(Outcome.ADDED, table.insert(b, freshAddress()).outcome());
        assertEquals(List.of(a, b), peers(table.bucket(0)));

        clock.advance(Duration.ofSeconds(5));
        HostPort moved = freshAddress();
        assertEquals(Outcome.REFRESHED, table.insert(a, moved).outcome());
        assertEquals(List.of(b, a), peers(table.bucket(0)));
        Contact refreshed = table.bucket(0).get(1);
        assertEquals(moved, refreshed.address());
        assertEquals(clock.nowMillis(), refreshed.lastSeenMillis());
        assertEquals(2, table.size());
        assertEquals(Outcome.SELF, table.insert(self, freshAddress()).outcome());
    }

    @Test
    void aFullBucketKeepsItsOldestContactWhenThePingIsAnswered() {
        RoutingTable table = table(3, 2);
        PeerId oldest = inBucket(0);
        PeerId middle = inBucket(0);
        PeerId newest = inBucket(0);
        for (PeerId peer : List.of(oldest, middle, newest)) {
            table.insert(peer, freshAddress());
        }
        PeerId newcomer = inBucket(0);

        RoutingTable.Insertion insertion = table.insert(newcomer, freshAddress());

        assertEquals(Outcome.BUCKET_FULL, insertion.outcome());
        assertEquals(oldest, insertion.toPing().orElseThrow().peer());
        assertFalse(table.contains(newcomer));
        assertEquals(List.of(newcomer), peers(table.replacements(0)));

        assertTrue(table.alive(oldest));
        assertEquals(List.of(middle, newest, oldest), peers(table.bucket(0)));
        assertFalse(table.contains(newcomer));
        assertEquals(3, table.size());
        assertEquals(middle, table.insert(inBucket(0), freshAddress()).toPing().orElseThrow().peer());
    }

    @Test
    void aFullBucketEvictsItsOldestContactWhenThePingFails() {
        RoutingTable table = table(3, 2);
        PeerId oldest = inBucket(0);
        table.insert(oldest, freshAddress());
        table.insert(inBucket(0), freshAddress());
        table.insert(inBucket(0), freshAddress());
        PeerId newcomer = inBucket(0);
        PeerId toPing = table.insert(newcomer, freshAddress()).toPing().orElseThrow().peer();

        assertTrue(table.failed(toPing));

        assertFalse(table.contains(oldest));
        assertTrue(table.contains(newcomer));
        assertEquals(newcomer, table.bucket(0).get(2).peer());
        assertTrue(table.replacements(0).isEmpty());
        assertEquals(3, table.size());
    }

    @Test
    void theReplacementCacheKeepsOnlyTheNewestComers() {
        RoutingTable table = table(1, 2);
        table.insert(inBucket(0), freshAddress());
        List<PeerId> newcomers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            PeerId newcomer = inBucket(0);
            newcomers.add(newcomer);
            assertEquals(Outcome.BUCKET_FULL, table.insert(newcomer, freshAddress()).outcome());
        }
        assertEquals(newcomers.subList(3, 5), peers(table.replacements(0)));

        // Hearing from a waiting peer again makes it the newest, so it outlives the others.
        table.insert(newcomers.get(3), freshAddress());
        assertEquals(List.of(newcomers.get(4), newcomers.get(3)), peers(table.replacements(0)));
        assertEquals(1, table.size());
    }

    @Test
    void removePromotesTheNewestReplacement() {
        RoutingTable table = table(2, 3);
        PeerId banned = inBucket(1);
        PeerId kept = inBucket(1);
        table.insert(banned, freshAddress());
        table.insert(kept, freshAddress());
        PeerId older = inBucket(1);
        PeerId newer = inBucket(1);
        table.insert(older, freshAddress());
        table.insert(newer, freshAddress());

        assertTrue(table.remove(banned));

        assertEquals(List.of(kept, newer), peers(table.bucket(1)));
        assertEquals(List.of(older), peers(table.replacements(1)));
        assertTrue(table.remove(older));
        assertTrue(table.replacements(1).isEmpty());
        assertFalse(table.remove(older));
        assertFalse(table.remove(Peers.random(rng)));
        assertEquals(2, table.size());
    }

    @Test
    void atMostTwoContactsPerSlash24InABucket() {
        RoutingTable table = table(20, 10);
        assertEquals(Outcome.ADDED, table.insert(inBucket(0), new HostPort("192.0.2.1", 1)).outcome());
        assertEquals(Outcome.ADDED, table.insert(inBucket(0), new HostPort("192.0.2.200", 1)).outcome());
        PeerId third = inBucket(0);
        assertEquals(Outcome.PREFIX_LIMIT, table.insert(third, new HostPort("192.0.2.77", 1)).outcome());
        assertFalse(table.contains(third));

        assertEquals(Outcome.ADDED, table.insert(inBucket(0), new HostPort("192.0.3.1", 1)).outcome());
        assertEquals(Outcome.ADDED, table.insert(inBucket(1), new HostPort("192.0.2.3", 1)).outcome());
        // An IPv4 address written as IPv6 is still in its /24.
        assertEquals(Outcome.PREFIX_LIMIT, table.insert(inBucket(0), new HostPort("::ffff:192.0.2.9", 1)).outcome());
    }

    @Test
    void atMostTwoContactsPerSlash64InABucket() {
        RoutingTable table = table(20, 10);
        assertEquals(Outcome.ADDED, table.insert(inBucket(0), new HostPort("2001:db8:0:1::1", 1)).outcome());
        assertEquals(Outcome.ADDED, table.insert(inBucket(0), new HostPort("2001:db8:0:1:ffff::2", 1)).outcome());
        assertEquals(Outcome.PREFIX_LIMIT, table.insert(inBucket(0), new HostPort("2001:db8:0:1::3", 1)).outcome());
        assertEquals(Outcome.ADDED, table.insert(inBucket(0), new HostPort("2001:db8:0:2::1", 1)).outcome());
    }

    @Test
    void atMostTenContactsPerSlash24InTheWholeTable() {
        RoutingTable table = new RoutingTable(self, clock, RoutingTableConfig.defaults());
        List<PeerId> admitted = new ArrayList<>();
        for (int bucket = 0; bucket < 5; bucket++) {
            for (int i = 0; i < 2; i++) {
                PeerId peer = inBucket(bucket);
                assertEquals(Outcome.ADDED, table.insert(peer, new HostPort("198.51.100." + (bucket * 2 + i), 1)).outcome());
                admitted.add(peer);
            }
        }
        PeerId eleventh = inBucket(5);
        assertEquals(Outcome.PREFIX_LIMIT, table.insert(eleventh, new HostPort("198.51.100.99", 1)).outcome());
        assertEquals(Outcome.ADDED, table.insert(inBucket(5), new HostPort("198.51.101.1", 1)).outcome());

        table.remove(admitted.get(0));
        assertEquals(Outcome.ADDED, table.insert(eleventh, new HostPort("198.51.100.99", 1)).outcome());
    }

    @Test
    void blocksAreCountedWhereALinkComesFromNotWhereARecordClaims() {
        RoutingTable table = new RoutingTable(self, clock, RoutingTableConfig.defaults());
        HostPort attackerHost = new HostPort("198.51.100.7", 50_000);
        int admitted = 0;
        for (int bucket = 0; bucket < 8; bucket++) {
            for (int i = 0; i < 3; i++) {
                Outcome outcome = table.insert(inBucket(bucket), freshAddress(), java.util.Optional.of(attackerHost))
                        .outcome();
                if (outcome == Outcome.ADDED) {
                    admitted++;
                } else {
                    assertEquals(Outcome.PREFIX_LIMIT, outcome);
                }
            }
            assertTrue(table.bucket(bucket).size() <= 2, "two of one block per bucket");
        }
        assertEquals(10, admitted, "ten of one block in the table, whatever their records claim");

        // The same records without a link to say where they come from: each claims a block of its own.
        RoutingTable unlinked = new RoutingTable(self, clock, RoutingTableConfig.defaults());
        for (int bucket = 0; bucket < 8; bucket++) {
            for (int i = 0; i < 3; i++) {
                assertEquals(Outcome.ADDED, unlinked.insert(inBucket(bucket), freshAddress()).outcome());
            }
        }
    }

    @Test
    void aContactWhoseLinkComesFromAFullBlockLeavesTheTableAndKeepsItsBlockWhileUnlinked() {
        RoutingTable table = new RoutingTable(self, clock, RoutingTableConfig.defaults());
        HostPort crowded = new HostPort("198.51.100.7", 50_000);
        table.insert(inBucket(0), freshAddress(), java.util.Optional.of(crowded));
        table.insert(inBucket(0), freshAddress(), java.util.Optional.of(new HostPort("198.51.100.8", 50_001)));
        PeerId claimed = inBucket(0);
        HostPort claimedAddress = freshAddress();
        assertEquals(Outcome.ADDED, table.insert(claimed, claimedAddress).outcome());

        assertEquals(Outcome.PREFIX_LIMIT,
                table.insert(claimed, claimedAddress, java.util.Optional.of(new HostPort("198.51.100.9", 1))).outcome());
        assertFalse(table.contains(claimed));

        PeerId linked = inBucket(1);
        HostPort linkedAddress = freshAddress();
        table.insert(linked, linkedAddress, java.util.Optional.of(new HostPort("203.0.113.5", 1)));
        table.insert(inBucket(1), freshAddress(), java.util.Optional.of(new HostPort("203.0.113.6", 1)));
        // Unlinked now, heard of again: it still counts where its link came from, so the block is full.
        assertEquals(Outcome.REFRESHED, table.insert(linked, linkedAddress).outcome());
        assertEquals(Outcome.PREFIX_LIMIT,
                table.insert(inBucket(1), freshAddress(), java.util.Optional.of(new HostPort("203.0.113.7", 1))).outcome());
    }

    @Test
    void theReplacementCacheHasThePerBucketLimitToo() {
        RoutingTable table = table(1, 10);
        table.insert(inBucket(0), freshAddress());
        assertEquals(Outcome.BUCKET_FULL, table.insert(inBucket(0), new HostPort("203.0.113.1", 1)).outcome());
        assertEquals(Outcome.BUCKET_FULL, table.insert(inBucket(0), new HostPort("203.0.113.2", 1)).outcome());
        assertEquals(Outcome.PREFIX_LIMIT, table.insert(inBucket(0), new HostPort("203.0.113.3", 1)).outcome());
        assertEquals(2, table.replacements(0).size());
    }

    @Test
    void aRefreshIntoAFullBlockKeepsTheOldAddress() {
        RoutingTable table = table(20, 10);
        table.insert(inBucket(0), new HostPort("192.0.2.1", 1));
        table.insert(inBucket(0), new HostPort("192.0.2.2", 1));
        PeerId mover = inBucket(0);
        HostPort original = new HostPort("10.7.7.7", 1);
        table.insert(mover, original);

        assertEquals(Outcome.PREFIX_LIMIT, table.insert(mover, new HostPort("192.0.2.3", 1)).outcome());

        assertEquals(original, table.bucket(0).get(2).address());
        assertEquals(Outcome.REFRESHED, table.insert(mover, new HostPort("10.7.7.8", 1)).outcome());
    }

    @Test
    void promotionPassesOverAReplacementWhoseBlockFilledUpMeanwhile() {
        RoutingTable table = new RoutingTable(self, clock, new RoutingTableConfig(1, 3, 2, 2));
        PeerId live = inBucket(0);
        table.insert(live, freshAddress());
        PeerId older = inBucket(0);
        PeerId newer = inBucket(0);
        table.insert(older, new HostPort("10.5.5.5", 1));
        table.insert(newer, new HostPort("192.0.2.1", 1));
        table.insert(inBucket(1), new HostPort("192.0.2.2", 1));
        table.insert(inBucket(2), new HostPort("192.0.2.3", 1));

        table.remove(live);

        assertEquals(List.of(older), peers(table.bucket(0)));
        assertEquals(List.of(newer), peers(table.replacements(0)));
    }

    @Test
    void closestIsSortedByDistanceToTheKey() {
        RoutingTable table = new RoutingTable(self, clock, RoutingTableConfig.defaults());
        for (int i = 0; i < 200; i++) {
            table.insert(Peers.random(rng), freshAddress());
        }
        DhtKey target = DhtKey.ofPeer(Peers.random(rng));
        List<Contact> expected = new ArrayList<>(table.contacts());
        expected.sort(Comparator.comparing(contact -> target.distanceTo(contact.key())));

        List<Contact> closest = table.closest(target, 10);

        assertEquals(expected.subList(0, 10), closest);
        assertEquals(table.size(), table.closest(target, 10_000).size());
        assertTrue(table.size() > 50, "buckets near the local key are sparse, far ones cap at k");
    }

    @Test
    void closestMatchesAFullSortForTargetsAtEveryDistanceFromTheLocalKey() {
        RoutingTable table = new RoutingTable(self, clock, RoutingTableConfig.defaults());
        for (int i = 0; i < 300; i++) {
            table.insert(Peers.random(rng), freshAddress());
        }
        for (int prefix = 5; prefix < 12; prefix++) {
            table.insert(inBucket(prefix), freshAddress());
            table.insert(inBucket(prefix), freshAddress());
        }
        List<DhtKey> targets = new ArrayList<>();
        targets.add(local);
        byte[] raw = local.toBytes();
        for (int bit = 0; bit < DhtKey.SIZE_BITS; bit++) {
            byte[] flipped = raw.clone();
            flipped[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
            targets.add(DhtKey.fromRaw(flipped));
        }
        for (int i = 0; i < 20; i++) {
            targets.add(DhtKey.ofPeer(Peers.random(rng)));
        }
        // Keys that leave the local key at bit d and then differ from it at some deeper bits
        // and not others: the buckets past d come in an order of their own.
        for (int d = 0; d < 14; d++) {
            for (int variant = 0; variant < 6; variant++) {
                byte[] near = raw.clone();
                near[d / 8] ^= (byte) (0x80 >>> (d % 8));
                for (int bit = d + 1; bit < d + 16 && bit < DhtKey.SIZE_BITS; bit++) {
                    if (rng.nextLong(2) == 0) {
                        near[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
                    }
                }
                targets.add(DhtKey.fromRaw(near));
            }
        }
        for (DhtKey target : targets) {
            List<Contact> expected = new ArrayList<>(table.contacts());
            expected.sort(Comparator.comparing(contact -> target.distanceTo(contact.key())));
            for (int n : new int[] {1, 3, 20, 45, table.size() + 1}) {
                assertEquals(expected.subList(0, Math.min(n, expected.size())), table.closest(target, n),
                        "closest " + n + " to " + target);
            }
        }
    }
}
