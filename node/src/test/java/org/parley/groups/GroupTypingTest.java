package org.parley.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.proto.wire.v1.GroupSignal;

/**
 * Typing indicators in groups (decision 0060): through the real pairwise sessions of members on
 * a virtual loop; off until each side turns them on; only from members, live, in order, thinned.
 */
class GroupTypingTest extends ClubWithAnOutsider {
    private final List<String> heardByBob = new ArrayList<>();

    @BeforeEach
    void bobListens() {
        listen(bob);
    }

    private void listen(GroupNode node) {
        node.groups.addListener(new GroupEvents() {
            @Override
            public void groupMessageAdded(GroupMessageRecord message) {
            }

            @Override
            public void groupTyping(GroupId group, PeerId member, boolean active) {
                assertEquals(id, group);
                heardByBob.add(name(member) + (active ? " started" : " stopped"));
            }
        });
    }

    private void turnOn(GroupNode... nodes) {
        for (GroupNode node : nodes) {
            assertTrue(node.await(node.groups.setTyping(id, Optional.of(true))));
        }
    }

    /** Hands bob a typing signal as {@code from}'s session would, at {@code sentAt}. */
    private void signal(GroupNode from, GroupId group, boolean active, long sentAt, boolean relayed) {
        bob.groups.groupSignalReceived(from.id(), GroupSignal.newBuilder().setTyping(
                org.parley.proto.wire.v1.GroupTyping.newBuilder().setGroupId(ByteString.copyFrom(group.bytes()))
                        .setActive(active).setSentAtMs(sentAt)).build().toByteArray(), relayed);
        loop.runUntilIdle();
    }

    @Test
    void typingGoesThroughTheSessionsOnlyWhenBothSidesTurnedItOn() {
        assertFalse(alice.groups.typing(id, true), "off by default");
        assertFalse(alice.await(alice.groups.setTyping(id, Optional.empty())));
        turnOn(alice);
        assertTrue(alice.groups.typing(id, true), "goes to the linked members");
        loop.advance(Duration.ofSeconds(1));
        assertEquals(List.of(), heardByBob, "bob has it off: he neither sends nor sees it");

        turnOn(bob);
        loop.advance(Duration.ofSeconds(3));
        assertTrue(alice.groups.typing(id, true));
        loop.advance(Duration.ofSeconds(1));
        assertTrue(alice.groups.typing(id, false));
        assertFalse(alice.groups.typing(id, false), "a stop only after a start");
        loop.advance(Duration.ofSeconds(1));
        assertEquals(List.of("alice started", "alice stopped"), heardByBob);

        assertTrue(alice.groups.typing(id, true));
        assertFalse(alice.groups.typing(id, true), "a start at most every 3 s");
        loop.advance(Duration.ofSeconds(1));
        assertEquals(3, heardByBob.size());

        bob.crash();
        bob.open();
        GroupNode.link(alice, bob);
        listen(bob);
        loop.advance(Duration.ofSeconds(5));
        assertTrue(bob.await(bob.groups.setTyping(id, Optional.empty())), "the switch survives a restart");
        assertTrue(alice.groups.typing(id, true));
        loop.advance(Duration.ofSeconds(1));
        assertEquals("alice started", heardByBob.get(heardByBob.size() - 1));

        bob.await(bob.groups.setTyping(id, Optional.of(false)));
        int before = heardByBob.size();
        loop.advance(Duration.ofSeconds(3));
        assertTrue(alice.groups.typing(id, true));
        loop.advance(Duration.ofSeconds(1));
        assertEquals(before, heardByBob.size(), "turned off again: ignored");
    }

    @Test
    void nothingGoesToAnUnlinkedMemberNorToAGroupWeAreNotIn() {
        turnOn(alice, bob);
        GroupNode.unlink(alice, bob);
        GroupNode.unlink(alice, carol);
        loop.advance(Duration.ofSeconds(1));
        assertFalse(alice.groups.typing(id, true), "no member linked: nothing sent, nothing kept for later");
        GroupNode.link(alice, bob);
        loop.advance(Duration.ofSeconds(10));
        assertEquals(List.of(), heardByBob, "never resent nor carried by a mailbox");

        CompletionException missing = assertThrows(CompletionException.class,
                () -> mallory.groups.setTyping(id, Optional.of(true)).join());
        assertTrue(missing.getCause() instanceof GroupFailure);
    }

    @Test
    void signalsFromNonMembersOtherGroupsMailboxesOrOutOfOrderAreIgnored() {
        turnOn(bob);
        long t = loop.nowMillis();
        signal(mallory, id, true, t, false);
        GroupId elsewhere = mallory.await(mallory.groups.create("other")).id();
        signal(carol, elsewhere, true, t, false);
        signal(carol, id, true, t, true);
        assertEquals(List.of(), heardByBob, "a non-member, a group bob is not in, a mailbox copy");
        assertEquals(null, bob.penalties.get(mallory.id()), "ignored, not scored: a member removed a moment ago is honest");

        signal(carol, id, true, t + 10, false);
        loop.advance(Duration.ofSeconds(2));
        signal(carol, id, true, t + 10, false);
        signal(carol, id, false, t + 30, false);
        signal(carol, id, true, t + 20, false);
        assertEquals(List.of("carol started", "carol stopped"), heardByBob,
                "a replayed start and one overtaken by a later stop are stale");
    }

    @Test
    void aFloodIsThinnedAndAMalformedSignalIsScored() {
        turnOn(bob);
        long t = loop.nowMillis();
        for (int i = 1; i <= 100; i++) {
            signal(carol, id, i % 2 == 1, t + i, false);
        }
        assertEquals(List.of("carol started", "carol stopped"), heardByBob, "at most one start a second is told");
        loop.advance(Duration.ofSeconds(1));
        signal(carol, id, true, t + 1000, false);
        assertEquals(3, heardByBob.size());

        bob.groups.groupSignalReceived(mallory.id(), GroupSignal.newBuilder().setTyping(
                org.parley.proto.wire.v1.GroupTyping.newBuilder().setGroupId(ByteString.copyFrom(new byte[5]))
                        .setActive(true)).build().toByteArray(), false);
        loop.runUntilIdle();
        assertEquals(Misbehaviour.MALFORMED.penalty(), bob.penalties.get(mallory.id()));
    }
}
