package org.parley.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.StoreAnswer.Outcome;

/**
 * The held-item store as a group-post replica sets it up: per topic, per depositor, in all, in
 * time; in pages after a cursor.
 */
class HeldGroupPostsTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long NOW = 1_767_225_600_000L;
    private static final String TOPIC = "g/" + "ab".repeat(20);
    private static final String OTHER_TOPIC = "g/" + "cd".repeat(20);

    private final PeerId alice = Identity.generate("alice", RANDOM).peerId();
    private final PeerId bob = Identity.generate("bob", RANDOM).peerId();
    private final List<HeldItem<String, ByteString>> pushedOut = new ArrayList<>();
    private int made;

    /** A 100-byte "post" with a fresh ID (the store takes posts as checked bytes). */
    private Outcome offer(HeldItems<String, ByteString> held, String topic, PeerId depositor, long now) {
        byte[] id = new byte[32];
        id[0] = (byte) made;
        id[1] = (byte) (made >> 8);
        made++;
        return offer(held, ByteString.copyFrom(id), topic, depositor, ByteString.copyFrom(new byte[100]), now,
                new ArrayList<>());
    }

    /** As {@link GroupPostReplica} offers a checked post to its store. */
    private Outcome offer(HeldItems<String, ByteString> held, ByteString id, String topic, PeerId depositor,
                          ByteString post, long now, List<HeldItem<String, ByteString>> taken) {
        return held.offer(id, topic, depositor, now + config.holdFor().toMillis(), post, post.size(), now, taken,
                pushedOut);
    }

    private GroupMailConfig config = GroupMailConfig.defaults();

    private HeldItems<String, ByteString> store(GroupMailConfig with) {
        config = with;
        return GroupPostReplica.heldPosts(with);
    }

    private static List<Long> cursors(HeldItems.Page<String, ByteString> page) {
        return page.items().stream().map(HeldItem::order).toList();
    }

    @Test
    void aTopicAndADepositorKeepTheirNewestPostsWithinTheirLimitsWhileTheTotalLimitRefuses() {
        // Three posts per topic; 350 bytes (three and a half posts) per depositor.
        HeldItems<String, ByteString> held = store(GroupMailConfig.defaults().withLimits(3, 1 << 20, 350, 1 << 20));
        for (int i = 0; i < 4; i++) {
            assertEquals(Outcome.STORED, offer(held, TOPIC, alice, NOW + i));
        }
        assertEquals(Outcome.STORED, offer(held, TOPIC, bob, NOW + 4));
        for (int i = 5; i < 8; i++) {
            assertEquals(Outcome.STORED, offer(held, OTHER_TOPIC, bob, NOW + i));
        }
        assertEquals(List.of(NOW, NOW + 1, NOW + 4), pushedOut.stream().map(HeldItem::order).toList(),
                "the topic's oldest made room twice, then bob's own oldest");
        assertEquals(List.of(NOW + 2, NOW + 3), cursors(held.after(TOPIC, 0, 1 << 20)));
        assertEquals(3, held.countFor(OTHER_TOPIC));
        assertEquals(500, held.totalBytes());
        ByteString huge = ByteString.copyFrom(new byte[351]);
        assertEquals(Outcome.QUOTA, offer(held, ByteString.copyFrom(new byte[] {9}), TOPIC, alice, huge, NOW + 9,
                new ArrayList<>()), "a post over a depositor's whole share");

        HeldItems<String, ByteString> small = store(GroupMailConfig.defaults().withLimits(100, 250, 1 << 20, 1 << 20));
        assertEquals(Outcome.STORED, offer(small, TOPIC, alice, NOW));
        assertEquals(Outcome.STORED, offer(small, TOPIC, bob, NOW));
        assertEquals(Outcome.STORED, offer(small, TOPIC, bob, NOW), "a topic's bytes push out its oldest");
        assertEquals(2, small.countFor(TOPIC));

        HeldItems<String, ByteString> full = store(GroupMailConfig.defaults().withLimits(100, 1 << 20, 1 << 20, 250));
        assertEquals(Outcome.STORED, offer(full, TOPIC, alice, NOW));
        assertEquals(Outcome.STORED, offer(full, OTHER_TOPIC, bob, NOW));
        assertEquals(Outcome.QUOTA, offer(full, TOPIC, bob, NOW), "all is full");
        assertEquals(200, full.totalBytes());
    }

    @Test
    void aPostHeldAlreadyIsStoredOnce() {
        HeldItems<String, ByteString> held = store(GroupMailConfig.defaults());
        ByteString id = ByteString.copyFrom(new byte[32]);
        List<HeldItem<String, ByteString>> taken = new ArrayList<>();
        ByteString post = ByteString.copyFrom(new byte[100]);
        assertEquals(Outcome.STORED, offer(held, id, TOPIC, alice, post, NOW, taken));
        assertEquals(Outcome.STORED, offer(held, id, TOPIC, bob, post, NOW + 1, taken));
        assertEquals(1, taken.size(), "written down once");
        assertEquals(1, held.all().size());
        assertEquals(100, held.totalBytes());
    }

    @Test
    void postsLeaveAfterTheHoldTime() {
        HeldItems<String, ByteString> held = store(GroupMailConfig.defaults().withHoldFor(Duration.ofDays(2)));
        offer(held, TOPIC, alice, NOW);
        offer(held, TOPIC, alice, NOW + Duration.ofDays(1).toMillis());
        assertTrue(held.expire(NOW + Duration.ofDays(2).toMillis() - 1).isEmpty());
        assertEquals(1, held.expire(NOW + Duration.ofDays(2).toMillis()).size());
        assertEquals(1, held.countFor(TOPIC));
        assertEquals(1, held.expire(NOW + Duration.ofDays(3).toMillis()).size());
        assertEquals(0, held.totalBytes());
        assertEquals(0, held.countFor(TOPIC));
    }

    @Test
    void pagesAfterACursorWalkATopicOldestFirstAndCursorsKeepRising() {
        HeldItems<String, ByteString> held = store(GroupMailConfig.defaults());
        for (int i = 0; i < 5; i++) {
            offer(held, TOPIC, alice, NOW); // all in one millisecond: cursors still rise
            offer(held, OTHER_TOPIC, alice, NOW);
        }
        HeldItems.Page<String, ByteString> first = held.after(TOPIC, 0, 250);
        assertEquals(2, first.items().size());
        assertTrue(first.more());
        assertEquals(first.items().get(1).order(), first.last());
        HeldItems.Page<String, ByteString> second = held.after(TOPIC, first.last(), 250);
        HeldItems.Page<String, ByteString> third = held.after(TOPIC, second.last(), 250);
        assertFalse(third.more());
        assertEquals(1, third.items().size());
        List<Long> walked = new ArrayList<>(cursors(first));
        walked.addAll(cursors(second));
        walked.addAll(cursors(third));
        assertEquals(cursors(held.after(TOPIC, 0, Long.MAX_VALUE)), walked);
        assertEquals(5, walked.stream().distinct().count());
        assertEquals(walked.stream().sorted().toList(), walked, "oldest first");
        assertTrue(walked.stream().allMatch(cursor -> cursor >= NOW), "a cursor is at least the arrival time");

        HeldItems.Page<String, ByteString> nothing = held.after(TOPIC, third.last(), 250);
        assertTrue(nothing.items().isEmpty());
        assertEquals(third.last(), nothing.last());
        assertTrue(held.after("g/" + "00".repeat(20), 0, 250).items().isEmpty());
        assertEquals(1, held.after(TOPIC, 0, 10).items().size(), "a page holds at least one post");
    }

    @Test
    void aReplicaThatLostItsStoreStillHandsOutCursorsAboveThoseItGaveBefore() {
        HeldItems<String, ByteString> before = store(GroupMailConfig.defaults());
        offer(before, TOPIC, alice, NOW);
        long given = before.after(TOPIC, 0, 1000).last();
        HeldItems<String, ByteString> empty = store(GroupMailConfig.defaults());
        offer(empty, TOPIC, alice, NOW + 1);
        assertEquals(1, empty.after(TOPIC, given, 1000).items().size(), "a post that came later is found after the old cursor");

        HeldItems<String, ByteString> restored = store(GroupMailConfig.defaults());
        before.all().forEach(restored::restore);
        offer(restored, TOPIC, alice, NOW); // the clock says the same millisecond: the cursor still rises
        assertEquals(1, restored.after(TOPIC, given, 1000).items().size());
    }
}
