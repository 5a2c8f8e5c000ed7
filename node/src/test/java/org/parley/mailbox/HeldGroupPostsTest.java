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

/** What a replica holds of group posts: per topic, per depositor, in all, in time; in pages after a cursor. */
class HeldGroupPostsTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long NOW = 1_767_225_600_000L;
    private static final String TOPIC = "g/" + "ab".repeat(20);
    private static final String OTHER_TOPIC = "g/" + "cd".repeat(20);

    private final PeerId alice = Identity.generate("alice", RANDOM).peerId();
    private final PeerId bob = Identity.generate("bob", RANDOM).peerId();
    private final List<HeldGroupPosts.Held> pushedOut = new ArrayList<>();
    private int made;

    /** A 100-byte "post" with a fresh ID (the store takes posts as checked bytes). */
    private Outcome offer(HeldGroupPosts held, String topic, PeerId depositor, long now) {
        byte[] id = new byte[32];
        id[0] = (byte) made;
        id[1] = (byte) (made >> 8);
        made++;
        return held.offer(ByteString.copyFrom(id), topic, depositor, ByteString.copyFrom(new byte[100]), now,
                new ArrayList<>(), pushedOut);
    }

    private static List<Long> cursors(HeldGroupPosts.Page page) {
        return page.posts().stream().map(HeldGroupPosts.Held::cursor).toList();
    }

    @Test
    void aTopicAndADepositorKeepTheirNewestPostsWithinTheirLimitsWhileTheTotalLimitRefuses() {
        // Three posts per topic; 350 bytes (three and a half posts) per depositor.
        HeldGroupPosts held = new HeldGroupPosts(GroupMailConfig.defaults().withLimits(3, 1 << 20, 350, 1 << 20));
        for (int i = 0; i < 4; i++) {
            assertEquals(Outcome.STORED, offer(held, TOPIC, alice, NOW + i));
        }
        assertEquals(Outcome.STORED, offer(held, TOPIC, bob, NOW + 4));
        for (int i = 5; i < 8; i++) {
            assertEquals(Outcome.STORED, offer(held, OTHER_TOPIC, bob, NOW + i));
        }
        assertEquals(List.of(NOW, NOW + 1, NOW + 4), pushedOut.stream().map(HeldGroupPosts.Held::cursor).toList(),
                "the topic's oldest made room twice, then bob's own oldest");
        assertEquals(List.of(NOW + 2, NOW + 3), cursors(held.after(TOPIC, 0, 1 << 20)));
        assertEquals(3, held.postsFor(OTHER_TOPIC));
        assertEquals(500, held.totalBytes());
        ByteString huge = ByteString.copyFrom(new byte[351]);
        assertEquals(Outcome.QUOTA, held.offer(ByteString.copyFrom(new byte[] {9}), TOPIC, alice, huge, NOW + 9,
                new ArrayList<>(), pushedOut), "a post over a depositor's whole share");

        HeldGroupPosts small = new HeldGroupPosts(GroupMailConfig.defaults().withLimits(100, 250, 1 << 20, 1 << 20));
        assertEquals(Outcome.STORED, offer(small, TOPIC, alice, NOW));
        assertEquals(Outcome.STORED, offer(small, TOPIC, bob, NOW));
        assertEquals(Outcome.STORED, offer(small, TOPIC, bob, NOW), "a topic's bytes push out its oldest");
        assertEquals(2, small.postsFor(TOPIC));

        HeldGroupPosts full = new HeldGroupPosts(GroupMailConfig.defaults().withLimits(100, 1 << 20, 1 << 20, 250));
        assertEquals(Outcome.STORED, offer(full, TOPIC, alice, NOW));
        assertEquals(Outcome.STORED, offer(full, OTHER_TOPIC, bob, NOW));
        assertEquals(Outcome.QUOTA, offer(full, TOPIC, bob, NOW), "all is full");
        assertEquals(200, full.totalBytes());
    }

    @Test
    void aPostHeldAlreadyIsStoredOnce() {
        HeldGroupPosts held = new HeldGroupPosts(GroupMailConfig.defaults());
        ByteString id = ByteString.copyFrom(new byte[32]);
        List<HeldGroupPosts.Held> taken = new ArrayList<>();
        ByteString post = ByteString.copyFrom(new byte[100]);
        assertEquals(Outcome.STORED, held.offer(id, TOPIC, alice, post, NOW, taken, pushedOut));
        assertEquals(Outcome.STORED, held.offer(id, TOPIC, bob, post, NOW + 1, taken, pushedOut));
        assertEquals(1, taken.size(), "written down once");
        assertEquals(1, held.all().size());
        assertEquals(100, held.totalBytes());
    }

    @Test
    void postsLeaveAfterTheHoldTime() {
        HeldGroupPosts held = new HeldGroupPosts(GroupMailConfig.defaults().withHoldFor(Duration.ofDays(2)));
        offer(held, TOPIC, alice, NOW);
        offer(held, TOPIC, alice, NOW + Duration.ofDays(1).toMillis());
        assertTrue(held.expire(NOW + Duration.ofDays(2).toMillis() - 1).isEmpty());
        assertEquals(1, held.expire(NOW + Duration.ofDays(2).toMillis()).size());
        assertEquals(1, held.postsFor(TOPIC));
        assertEquals(1, held.expire(NOW + Duration.ofDays(3).toMillis()).size());
        assertEquals(0, held.totalBytes());
        assertEquals(0, held.postsFor(TOPIC));
    }

    @Test
    void pagesAfterACursorWalkATopicOldestFirstAndCursorsKeepRising() {
        HeldGroupPosts held = new HeldGroupPosts(GroupMailConfig.defaults());
        for (int i = 0; i < 5; i++) {
            offer(held, TOPIC, alice, NOW); // all in one millisecond: cursors still rise
            offer(held, OTHER_TOPIC, alice, NOW);
        }
        HeldGroupPosts.Page first = held.after(TOPIC, 0, 250);
        assertEquals(2, first.posts().size());
        assertTrue(first.more());
        assertEquals(first.posts().get(1).cursor(), first.last());
        HeldGroupPosts.Page second = held.after(TOPIC, first.last(), 250);
        HeldGroupPosts.Page third = held.after(TOPIC, second.last(), 250);
        assertFalse(third.more());
        assertEquals(1, third.posts().size());
        List<Long> walked = new ArrayList<>(cursors(first));
        walked.addAll(cursors(second));
        walked.addAll(cursors(third));
        assertEquals(cursors(held.after(TOPIC, 0, Long.MAX_VALUE)), walked);
        assertEquals(5, walked.stream().distinct().count());
        assertEquals(walked.stream().sorted().toList(), walked, "oldest first");
        assertTrue(walked.stream().allMatch(cursor -> cursor >= NOW), "a cursor is at least the arrival time");

        HeldGroupPosts.Page nothing = held.after(TOPIC, third.last(), 250);
        assertTrue(nothing.posts().isEmpty());
        assertEquals(third.last(), nothing.last());
        assertTrue(held.after("g/" + "00".repeat(20), 0, 250).posts().isEmpty());
        assertEquals(1, held.after(TOPIC, 0, 10).posts().size(), "a page holds at least one post");
    }

    @Test
    void aReplicaThatLostItsStoreStillHandsOutCursorsAboveThoseItGaveBefore() {
        HeldGroupPosts before = new HeldGroupPosts(GroupMailConfig.defaults());
        offer(before, TOPIC, alice, NOW);
        long given = before.after(TOPIC, 0, 1000).last();
        HeldGroupPosts empty = new HeldGroupPosts(GroupMailConfig.defaults());
        offer(empty, TOPIC, alice, NOW + 1);
        assertEquals(1, empty.after(TOPIC, given, 1000).posts().size(), "a post that came later is found after the old cursor");

        HeldGroupPosts restored = new HeldGroupPosts(GroupMailConfig.defaults());
        before.all().forEach(restored::restore);
        offer(restored, TOPIC, alice, NOW); // the clock says the same millisecond: the cursor still rises
        assertEquals(1, restored.after(TOPIC, given, 1000).posts().size());
    }
}
