package org.parley.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.identity.Identity;
import org.parley.link.Misbehaviour;
import org.parley.proto.wire.v1.GroupSignal;
import org.parley.proto.wire.v1.GroupText;

/** Post intake alone: posts waiting for their key, opaque entries, gaps asked for, replays, content shape. */
class PostIntakeTest {
    @TempDir
    Path folder;

    private GroupParts parts;
    private final Identity alice = Identity.generate("alice", GroupParts.RANDOM);
    private final Identity carol = Identity.generate("carol", GroupParts.RANDOM);
    private GroupState state;
    private SenderKey alicesKey;
    private SenderKey.Step alicesFirstStep;

    @BeforeEach
    void aliceFoundedAGroupOfUsThree() {
        parts = new GroupParts(folder);
        state = parts.group(alice, List.of(parts.me, carol));
        alicesKey = SenderKey.generate(GroupParts.RANDOM);
        alicesFirstStep = new SenderKey.Step(alicesKey.iteration(), alicesKey.chainKey());
    }

    @AfterEach
    void close() {
        parts.close();
    }

    private void alicesGrantArrives() throws GroupException {
        state.putKey(alice.peerId(), SenderKey.received(alicesKey.keyId(), alicesFirstStep.iteration(),
                alicesFirstStep.chainKey()));
    }

    private ByteString alicesKeyId() {
        return ByteString.copyFrom(alicesKey.keyId());
    }

    @Test
    void aPostWhoseKeyIsOnItsWayWaitsAndIsReadWhenTheKeyComes() throws GroupException {
        byte[] post = parts.post(state, alicesKey, "hello", 1, List.of());
        parts.posts.receive(state, post, null, false);
        assertTrue(parts.added.isEmpty());
        assertEquals(1, state.pending.size());

        alicesGrantArrives();
        parts.posts.retryPending(state, alicesKeyId());
        parts.loop.runUntilIdle();

        assertEquals(1, parts.added.size());
        assertEquals("hello", parts.added.get(0).text());
        assertEquals(alice.peerId(), parts.added.get(0).sender());
        assertTrue(state.pending.isEmpty());
        assertTrue(state.log.hasRead(GroupParts.entryId(post)));
        assertEquals(List.of("hello"), parts.storage.history(state.id, 10, Optional.empty()).join().stream()
                .map(GroupMessageRecord::text).toList());
    }

    @Test
    void aPostWhoseKeyNeverComesIsDroppedAfterItsLifetimeCountedButScoringNobody() {
        long received = parts.loop.nowMillis();
        parts.posts.receive(state, parts.post(state, alicesKey, "hello", 1, List.of()), carol.peerId(), false);

        parts.posts.expirePending(state, received + Groups.PENDING_LIFETIME.toMillis() - 1);
        assertEquals(1, state.pending.size());
        parts.posts.expirePending(state, received + Groups.PENDING_LIFETIME.toMillis());

        assertTrue(state.pending.isEmpty());
        assertEquals(Map.of("unknown-key", 1L), parts.directory.refusedIn(state.id));
        assertTrue(parts.links.penalties().isEmpty());
    }

    @Test
    void aPostLinkingToEntriesWeLackAsksItsCarrierForThem() throws GroupException {
        alicesGrantArrives();
        ByteString gap = GroupParts.randomId();

        parts.posts.receive(state, parts.post(state, alicesKey, "hi", 2, List.of(gap)), carol.peerId(), true);
        parts.loop.runUntilIdle();

        List<GroupSignal> sent = parts.takeSent(carol.peerId());
        assertEquals(1, sent.size());
        assertEquals(List.of(gap), sent.get(0).getBackfillRequest().getIdsList());
        assertEquals(ByteString.copyFrom(state.id.bytes()), sent.get(0).getBackfillRequest().getGroupId());
    }

    @Test
    void aLivePostsMissingParentIsAskedForOnlyIfStillMissingAfterTheGrace() throws GroupException {
        alicesGrantArrives();
        ByteString gap = GroupParts.randomId();

        parts.posts.receive(state, parts.post(state, alicesKey, "hi", 2, List.of(gap)), null, false);
        parts.loop.runUntilIdle();
        assertTrue(parts.takeSent(alice.peerId()).isEmpty(), "the parent may still be on its way");
        parts.loop.advance(Groups.PARENTS_GRACE);

        List<GroupSignal> sent = parts.takeSent(alice.peerId());
        assertEquals(1, sent.size());
        assertEquals(List.of(gap), sent.get(0).getBackfillRequest().getIdsList());
    }

    @Test
    void aParentArrivingWithinTheGraceAfterItsChildIsNeverAskedFor() throws GroupException {
        alicesGrantArrives();
        byte[] first = parts.post(state, alicesKey, "first", 1, List.of());
        byte[] second = parts.post(state, alicesKey, "second", 2, List.of(GroupParts.entryId(first)));

        parts.posts.receive(state, second, null, false);
        parts.loop.runUntilIdle();
        parts.posts.receive(state, first, null, false);
        parts.loop.advance(Groups.PARENTS_GRACE);

        assertTrue(parts.takeSent(alice.peerId()).isEmpty());
        assertEquals(2, parts.added.size());
    }

    @Test
    void aBackfilledPostWithoutItsKeyIsOpaqueUntilTheKeyComesThenAskedOfItsWriter() throws GroupException {
        byte[] post = parts.post(state, alicesKey, "early", 1, List.of());
        ByteString entry = GroupParts.entryId(post);
        parts.posts.receive(state, post, carol.peerId(), true);
        assertTrue(state.log.holds(entry), "opaque: no gap");
        assertFalse(state.log.hasRead(entry));

        alicesGrantArrives();
        parts.posts.reopenOpaque(state, alice.peerId(), alicesKeyId());

        assertFalse(state.log.holds(entry), "a gap again");
        assertEquals(List.of(entry), parts.takeSent(alice.peerId()).get(0).getBackfillRequest().getIdsList());
    }

    @Test
    void aPostSeenBeforeIsAReplayFromTheTopicButNotFromBackfill() throws GroupException {
        alicesGrantArrives();
        byte[] post = parts.post(state, alicesKey, "once", 1, List.of());
        parts.posts.receive(state, post, carol.peerId(), false);
        parts.loop.runUntilIdle();

        parts.posts.receive(state, post, carol.peerId(), true);
        assertTrue(parts.directory.refusedIn(state.id).isEmpty());
        parts.posts.receive(state, post, carol.peerId(), false);

        assertEquals(Map.of("replayed", 1L), parts.directory.refusedIn(state.id));
        assertEquals(Misbehaviour.REPLAYED.penalty(), parts.links.penalties().get(carol.peerId()));
        assertEquals(1, parts.added.size());
    }

    @Test
    void contentOutOfShapeIsRefused() {
        GroupText good = GroupText.newBuilder().setMessageId(ByteString.copyFrom(new byte[16])).setLamport(1)
                .setText("x").build();
        assertEquals("x", assertShape(good, null).getText());
        assertShape(good.toBuilder().setLamport(0).build(), Misbehaviour.MALFORMED);
        assertShape(good.toBuilder().setLamport((1L << 53) + 1).build(), Misbehaviour.MALFORMED);
        assertShape(good.toBuilder().setMessageId(ByteString.copyFrom(new byte[15])).build(), Misbehaviour.MALFORMED);
        assertShape(good.toBuilder().addParents(ByteString.copyFrom(new byte[31])).build(), Misbehaviour.MALFORMED);
        assertShape(good.toBuilder().addAllParents(Collections.nCopies(GroupLog.MAX_PARENTS + 1,
                GroupParts.randomId())).build(), Misbehaviour.MALFORMED);
        assertShape(good.toBuilder().setText("").build(), Misbehaviour.MALFORMED);
        assertShape(good.toBuilder().setText("y".repeat(Groups.MAX_TEXT_BYTES + 1)).build(), Misbehaviour.TOO_LARGE);
        GroupException garbage = assertThrows(GroupException.class,
                () -> PostIntake.checkedText(new byte[] {(byte) 0xff, 0x01}));
        assertEquals(Misbehaviour.MALFORMED, garbage.rejection());
    }

    @Test
    void aPostIsNumberedOneAboveItsLargestParent() throws GroupException {
        ByteString low = GroupParts.randomId();
        ByteString high = GroupParts.randomId();
        state.log.add(new GroupLog.Entry(low, 1, List.of()));
        state.log.add(new GroupLog.Entry(high, 4, List.of()));
        GroupText text = GroupText.newBuilder().setLamport(5).addParents(low).addParents(high).build();

        PostIntake.checkOrder(state.log, text);
        PostIntake.checkOrder(state.log, GroupText.newBuilder().setLamport(1).build());
        for (long wrong : new long[] {1, 4, 6, 1L << 53}) {
            GroupException refused = assertThrows(GroupException.class,
                    () -> PostIntake.checkOrder(state.log, text.toBuilder().setLamport(wrong).build()));
            assertEquals(Misbehaviour.OUT_OF_ORDER, refused.rejection());
        }
        assertThrows(GroupException.class,
                () -> PostIntake.checkOrder(state.log, GroupText.newBuilder().setLamport(2).build()));
    }

    @Test
    void withAParentNotHeldTheParentsHeldBoundTheNumberFromBelow() throws GroupException {
        ByteString held = GroupParts.randomId();
        state.log.add(new GroupLog.Entry(held, 4, List.of()));
        GroupText text = GroupText.newBuilder().setLamport(5).addParents(held).addParents(GroupParts.randomId())
                .build();

        PostIntake.checkOrder(state.log, text);
        PostIntake.checkOrder(state.log, text.toBuilder().setLamport(40).build());
        assertThrows(GroupException.class,
                () -> PostIntake.checkOrder(state.log, text.toBuilder().setLamport(4).build()));
    }

    @Test
    void aPostOutOfOrderIsCountedAndItsKeyStepKept() throws GroupException {
        alicesGrantArrives();
        ByteString parent = GroupParts.randomId();
        state.log.add(new GroupLog.Entry(parent, 3, List.of()));

        parts.posts.receive(state, parts.post(state, alicesKey, "early", 2, List.of(parent)), carol.peerId(), false);
        parts.loop.runUntilIdle();
        parts.posts.receive(state, parts.post(state, alicesKey, "in order", 4, List.of(parent)), null, false);
        parts.loop.runUntilIdle();

        assertEquals(Map.of("out-of-order", 1L), parts.directory.refusedIn(state.id));
        assertEquals(Misbehaviour.OUT_OF_ORDER.penalty(), parts.links.penalties().get(carol.peerId()));
        assertEquals(List.of("in order"), parts.added.stream().map(GroupMessageRecord::text).toList());
    }

    private static GroupText assertShape(GroupText text, Misbehaviour expected) {
        try {
            GroupText checked = PostIntake.checkedText(text.toByteArray());
            assertEquals(null, expected, "accepted");
            return checked;
        } catch (GroupException e) {
            assertEquals(expected, e.rejection(), e.getMessage());
            return null;
        }
    }
}
