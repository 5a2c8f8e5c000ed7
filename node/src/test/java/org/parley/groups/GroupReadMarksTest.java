package org.parley.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.proto.wire.v1.GroupReadMark;
import org.parley.proto.wire.v1.GroupSignal;

/**
 * Read marks in groups (decision 0062): through the real pairwise sessions of members on a
 * virtual loop; off until each side turns them on; stored, never moving back, only from members
 * and only naming entries of our own log.
 */
class GroupReadMarksTest extends ClubWithAnOutsider {
    private final List<String> heardByAlice = new ArrayList<>();

    @BeforeEach
    void aliceListens() {
        listen(alice);
    }

    private void listen(GroupNode node) {
        node.groups.addListener(new GroupEvents() {
            @Override
            public void groupMessageAdded(GroupMessageRecord message) {
            }

            @Override
            public void groupRead(GroupId group, PeerId member, String entryId, long readAtMillis) {
                assertEquals(id, group);
                heardByAlice.add(name(member) + " " + entryId);
            }
        });
    }

    private void turnOn(GroupNode... nodes) {
        for (GroupNode node : nodes) {
            assertTrue(node.await(node.groups.setReadReceipts(id, Optional.of(true))));
        }
    }

    private GroupMessageRecord post(GroupNode node, String text) {
        GroupMessageRecord posted = node.await(node.groups.send(id, text));
        loop.advance(Duration.ofSeconds(1));
        return posted;
    }

    /** Who alice's node says read {@code message}, as names. */
    private List<String> readBy(GroupMessageRecord message) {
        return alice.groups.readBy(message).stream().map(this::name).toList();
    }

    private Groups.ReadMarked markRead(GroupNode node, Optional<String> upTo) {
        Groups.ReadMarked marked = node.await(node.groups.markRead(id, upTo.map(HexFormat.of()::parseHex)));
        loop.advance(Duration.ofSeconds(1));
        return marked;
    }

    /** Hands alice a read mark as {@code from}'s session would. */
    private void mark(GroupNode from, GroupId group, byte[] entryId) {
        alice.groups.groupSignalReceived(from.id(), GroupSignal.newBuilder().setReadMark(GroupReadMark.newBuilder()
                .setGroupId(ByteString.copyFrom(group.bytes())).setEntryId(ByteString.copyFrom(entryId)))
                .build().toByteArray(), false);
        loop.runUntilIdle();
    }

    private void mark(GroupNode from, GroupMessageRecord message) {
        mark(from, id, HexFormat.of().parseHex(message.entryId()));
    }

    @Test
    void marksGoThroughTheSessionsOnlyWhenBothSidesTurnedThemOnAndSurviveARestart() {
        GroupMessageRecord first = post(alice, "one");
        assertFalse(alice.await(alice.groups.setReadReceipts(id, Optional.empty())), "off by default");
        Groups.ReadMarked marked = markRead(bob, Optional.empty());
        assertEquals(Optional.of(first.entryId()), marked.upTo(), "the mark moves even with receipts off");
        assertFalse(marked.sent(), "off: nothing goes out");
        turnOn(alice);
        GroupMessageRecord second = post(alice, "two");
        assertFalse(markRead(bob, Optional.empty()).sent(), "bob has them off: he sends none");
        assertEquals(List.of(), readBy(second));

        turnOn(bob);
        GroupMessageRecord third = post(alice, "three");
        assertEquals(Optional.empty(), markRead(bob, Optional.of(first.entryId())).upTo(), "never back");
        marked = markRead(bob, Optional.empty());
        assertEquals(Optional.of(third.entryId()), marked.upTo());
        assertTrue(marked.sent());
        assertEquals(List.of("bob"), readBy(third));
        assertEquals(List.of("bob"), readBy(first), "everything before the mark in log order counts as read");
        assertEquals(List.of("bob " + third.entryId()), heardByAlice, "told once per move");
        assertEquals(List.of(), bob.groups.readBy(bob.history(id).get(0)), "only our own posts show readers");

        alice.crash();
        alice.open();
        bob.crash();
        bob.open();
        GroupNode.linkAll(List.of(alice, bob, carol));
        loop.advance(Duration.ofSeconds(5));
        assertEquals(List.of("bob"), readBy(third), "the member's mark and the switch survive a restart");
        assertEquals(Optional.empty(), markRead(bob, Optional.of(third.entryId())).upTo(), "so does our own mark");

        assertFalse(alice.await(alice.groups.setReadReceipts(id, Optional.of(false))));
        assertEquals(List.of(), readBy(third), "turned off: others' marks are not shown");
    }

    @Test
    void aMarkMadeWhileUnlinkedGoesWhenTheLinkComesUp() {
        turnOn(alice, carol);
        GroupMessageRecord posted = post(alice, "hello");
        GroupNode.unlink(alice, carol);
        loop.advance(Duration.ofSeconds(1));
        markRead(carol, Optional.empty());
        assertEquals(List.of(), readBy(posted), "no link: nothing kept for later in an outbox or a mailbox");
        GroupNode.link(alice, carol);
        loop.advance(Duration.ofSeconds(3));
        assertEquals(List.of("carol"), readBy(posted), "sent again as the link comes up");

        CompletionException missing = assertThrows(CompletionException.class,
                () -> carol.groups.markRead(id, Optional.of(new byte[32])).join());
        assertTrue(missing.getCause() instanceof GroupFailure, "marking up to an entry we do not hold is refused");
    }

    @Test
    void marksFromNonMembersUnknownEntriesAndReplaysOrReorderingMoveNothing() {
        turnOn(alice);
        GroupMessageRecord first = post(alice, "one");
        GroupMessageRecord second = post(alice, "two");
        mark(mallory, second);
        assertEquals(List.of(), readBy(second), "a non-member's mark is ignored");
        assertEquals(null, alice.penalties.get(mallory.id()), "counted, not scored: a member removed a moment ago is honest");
        assertEquals(1L, alice.groups.refusedIn(id).get(Misbehaviour.NOT_A_MEMBER.label()));

        mark(carol, id, new byte[32]);
        assertEquals(List.of(), readBy(first), "an entry alice does not hold moves nothing");
        assertEquals(1L, alice.groups.refusedIn(id).get(Misbehaviour.ANSWER_TO_NOTHING.label()));

        mark(bob, second);
        mark(bob, first);
        mark(bob, second);
        assertEquals(List.of("bob"), readBy(second), "an older or replayed mark does not move it back");
        assertEquals(List.of("bob " + second.entryId()), heardByAlice, "nor is it told again");
        assertEquals(List.of("bob"), readBy(first), "bob's session says only what bob read: not carol");

        mark(mallory, id, new byte[5]);
        assertEquals(Misbehaviour.MALFORMED.penalty(), alice.penalties.get(mallory.id()));
    }

    @Test
    void aStreamOfMarksIsTakenOnceASecondEndingAtTheLatestAndAFloodIsScored() {
        turnOn(alice);
        List<GroupMessageRecord> posted = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            posted.add(post(alice, "post " + i));
        }
        for (GroupMessageRecord message : posted) {
            mark(bob, message);
        }
        assertEquals(List.of("bob " + posted.get(0).entryId()), heardByAlice,
                "twenty marks in one second: one taken, each later one held in its place");
        loop.advance(ReadMarkPace.TAKE_EVERY);
        assertEquals(List.of("bob " + posted.get(0).entryId(), "bob " + posted.get(19).entryId()), heardByAlice,
                "the latest of the burst is taken when the second is over, so an honest last mark is not lost");
        assertEquals(List.of("bob"), readBy(posted.get(19)));
        assertEquals(null, alice.penalties.get(bob.id()), "a burst is thinned, not scored");

        mark(carol, posted.get(0));
        for (int i = 1; i < ReadMarkPace.FLOOD_PER_MINUTE + 5; i++) {
            mark(carol, posted.get(i % 2 == 0 ? 0 : 1));
        }
        assertEquals(5 * Misbehaviour.FLOOD.penalty(), alice.penalties.get(carol.id()),
                "each mark past the minute's allowance is dropped and scored");
        assertEquals(5L, alice.groups.refusedIn(id).get(Misbehaviour.FLOOD.label()));
        loop.advance(Duration.ofSeconds(30));
        assertEquals(java.util.Set.of("bob", "carol"), java.util.Set.copyOf(readBy(posted.get(1))), "what came within the allowance is still taken");
        assertEquals(List.of("bob"), readBy(posted.get(2)));
        long carolsEvents = heardByAlice.stream().filter(heard -> heard.startsWith("carol")).count();
        assertEquals(2, carolsEvents, "a flood of marks is told at most once a second");
    }
}
