package org.parley.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.List;
import org.parley.link.FuzzedFrames;
import org.parley.overlay.gossip.GossipId;
import org.parley.overlay.gossip.GossipOverLinks;

/**
 * Arbitrary group posts on the group's topic and from a mailbox: nothing escapes, and without a
 * member's sender key nothing lands in the history.
 */
class GroupPostFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void hostilePostsAddNothing(byte[] input) {
        GroupFuzzFixture group = GroupFuzzFixture.shared();
        int history = group.aliceHistorySize();
        String topic = group.id.topic();

        List<byte[]> posts = FuzzedFrames.pieces(input);
        for (int i = 0; i < posts.size(); i++) {
            byte[] post = posts.get(i);
            if (i % 2 == 0) {
                group.alice.groups.delivered(new GossipOverLinks.Delivery(topic,
                        GossipId.of(topic, ByteString.copyFrom(post)), post, 1));
            } else {
                group.alice.groups.receiveMailedPosts(topic, List.of(post));
            }
            group.loop.advance(Duration.ofMillis(100));
        }
        group.loop.advance(Groups.PENDING_LIFETIME);

        assertEquals(history, group.aliceHistorySize(), "no message appeared");
    }
}
