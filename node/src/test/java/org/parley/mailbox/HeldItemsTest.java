package org.parley.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.StoreAnswer.Outcome;

/**
 * The one store behind mail and group-post replicas, on its own: its two answers to a full share
 * (share it fairly among contributors, or push out the oldest), expiry, deletion, restore, pages, and what a hostile
 * contributor can and cannot do to others' items.
 */
class HeldItemsTest {
    private static final long NOW = 1_000_000L;
    private static final long LATER = NOW + 60_000;

    private final PeerId alice = peer(1);
    private final PeerId mallory = peer(2);
    private final List<HeldItem<String, String>> taken = new ArrayList<>();
    private final List<HeldItem<String, String>> pushedOut = new ArrayList<>();
    private int made;

    private static PeerId peer(int n) {
        byte[] key = new byte[32];
        key[0] = (byte) n;
        return PeerId.fromPublicKey(key);
    }

    private static HeldItems<String, String> store(HeldItems.WhenFull whenFull) {
        // 300 bytes or 3 items per key, 250 per contributor, 1,000 in all.
        return new HeldItems<>(new HeldItems.Limits(300, 3, 250, 1000, whenFull));
    }

    private Outcome offer(HeldItems<String, String> held, String key, PeerId from, int size) {
        return offer(held, id(made++), key, from, size, LATER);
    }

    private Outcome offer(HeldItems<String, String> held, ByteString id, String key, PeerId from, int size,
                          long expiresAt) {
        return held.offer(id, key, from, expiresAt, "item", size, NOW, taken, pushedOut);
    }

    private static ByteString id(int n) {
        return ByteString.copyFrom(new byte[] {(byte) n, (byte) (n >> 8)});
    }

    @Test
    void aStoreThatSharesFairlyRefusesAContributorOverItsLimitAndOneThatPushesOutKeepsTheNewest() {
        HeldItems<String, String> refusing = store(HeldItems.WhenFull.SHARE_FAIRLY);
        assertEquals(Outcome.STORED, offer(refusing, "k", alice, 100));
        assertEquals(Outcome.STORED, offer(refusing, "k", alice, 100));
        assertEquals(Outcome.QUOTA, offer(refusing, "k", alice, 100), "alice's 250 bytes are used up");
        assertEquals(200, refusing.totalBytes());
        assertTrue(pushedOut.isEmpty());

        HeldItems<String, String> pushing = store(HeldItems.WhenFull.PUSH_OUT_OLDEST);
        offer(pushing, "k", alice, 100);
        offer(pushing, "k", alice, 100);
        assertEquals(Outcome.STORED, offer(pushing, "k", alice, 100));
        assertEquals(1, pushedOut.size(), "alice's oldest made room");
        assertEquals(200, pushing.totalBytes());
        assertEquals(List.of(taken.get(3).order(), taken.get(4).order()),
                pushing.first("k", 1000).items().stream().map(HeldItem::order).toList());
    }

    @Test
    void aFloodingContributorPushesOutOnlyItsOwnItemsAndNothingLargerThanAShareGetsIn() {
        HeldItems<String, String> held = store(HeldItems.WhenFull.PUSH_OUT_OLDEST);
        offer(held, "k", alice, 100);
        for (int i = 0; i < 10; i++) {
            offer(held, "other", mallory, 100);
        }
        assertTrue(pushedOut.stream().allMatch(item -> item.contributor().equals(mallory)));
        assertEquals(1, held.countFor("k"), "alice's item stays");
        assertEquals(Outcome.QUOTA, offer(held, "k", mallory, 251), "over a contributor's whole share");
        assertEquals(Outcome.QUOTA, offer(held, "k", mallory, -1), "a negative size is no size");
        assertEquals(1, held.countFor("k"));
    }

    @Test
    void pastTheTotalEverythingIsRefusedWhateverThePolicy() {
        for (HeldItems.WhenFull policy : HeldItems.WhenFull.values()) {
            HeldItems<String, String> held = store(policy);
            for (int i = 0; i < 5; i++) {
                assertEquals(Outcome.STORED, offer(held, "k" + i, peer(10 + i), 200));
            }
            assertEquals(Outcome.QUOTA, offer(held, "k9", peer(30), 1));
            assertEquals(1000, held.totalBytes());
        }
    }

    @Test
    void anItemAlreadyExpiredIsRefusedAndHeldOnesLeaveAtTheirTime() {
        HeldItems<String, String> held = store(HeldItems.WhenFull.SHARE_FAIRLY);
        assertEquals(Outcome.EXPIRED, offer(held, id(1), "k", alice, 10, NOW));
        offer(held, id(2), "k", alice, 10, NOW + 10);
        offer(held, id(3), "k", alice, 10, NOW + 20);
        assertEquals(List.of(id(2)), held.expire(NOW + 10).stream().map(HeldItem::id).toList());
        assertEquals(1, held.countFor("k"));
        assertEquals(10, held.bytesFor("k"));
    }

    @Test
    void onlyTheKeysOwnItemsAreDeletedAndADeletedOneComesBackOnlyAfterItWouldHaveExpired() {
        HeldItems<String, String> held = store(HeldItems.WhenFull.SHARE_FAIRLY);
        offer(held, id(1), "bob", alice, 10, LATER);
        assertTrue(held.delete("dan", List.of(id(1))).isEmpty(), "dan's word does not delete bob's item");
        assertEquals(1, held.delete("bob", List.of(id(1), id(99))).size(), "an unknown ID is ignored");
        taken.clear();
        assertEquals(Outcome.STORED, offer(held, id(1), "bob", alice, 10, LATER));
        assertTrue(taken.isEmpty(), "a replayed copy is acknowledged, not held");
        held.expire(LATER);
        assertEquals(Outcome.STORED, held.offer(id(1), "bob", alice, LATER + 10, "item", 10, LATER, taken, pushedOut));
        assertEquals(1, taken.size());
    }

    @Test
    void restoringTheSameItemTwiceHoldsItOnceAndNewItemsComeAfterIt() {
        HeldItems<String, String> before = store(HeldItems.WhenFull.SHARE_FAIRLY);
        offer(before, "k", alice, 10);
        HeldItem<String, String> old = before.all().iterator().next();
        HeldItems<String, String> after = store(HeldItems.WhenFull.SHARE_FAIRLY);
        after.restore(old);
        after.restore(old);
        assertEquals(10, after.totalBytes());
        offer(after, "k", alice, 10);
        assertEquals(1, after.after("k", old.order(), 1000).items().size());
        assertTrue(after.after("nobody", 0, 1000).items().isEmpty());
        assertEquals(1, after.first("k", 0).items().size(), "a page holds at least one item");
    }

    @Test
    void aFairStoreCountsItemsToo() {
        // 3 items per key: mallory's three leave room for alice only by giving up mallory's newest.
        HeldItems<String, String> held = store(HeldItems.WhenFull.SHARE_FAIRLY);
        for (int i = 0; i < 3; i++) {
            assertEquals(Outcome.STORED, offer(held, "k", mallory, 10));
        }
        assertEquals(Outcome.STORED, offer(held, "k", alice, 10));
        assertEquals(1, pushedOut.size());
        assertEquals(taken.get(2).id(), pushedOut.get(0).id(), "mallory's newest went");
        assertEquals(3, held.countFor("k"));
        assertEquals(Outcome.QUOTA, offer(held, "k", mallory, 10), "mallory would hold more than alice");
    }
}
