package org.parley.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.identity.Identity;
import org.parley.proto.wire.v1.GroupSignal;
import org.parley.proto.wire.v1.LogIds;

/** Back-fill alone: answers bounded in size, only members served, heads and gaps at the beat. */
class BackfillTest {
    @TempDir
    Path folder;

    private GroupParts parts;
    private Backfill backfill;
    private final Identity alice = Identity.generate("alice", GroupParts.RANDOM);
    private final Identity carol = Identity.generate("carol", GroupParts.RANDOM);
    private GroupState state;

    @BeforeEach
    void aliceFoundedAGroupOfUsThree() {
        parts = new GroupParts(folder);
        backfill = new Backfill(parts.directory, parts.storage, parts.control, parts.posts, parts.links, parts.loop);
        state = parts.group(alice, List.of(parts.me, carol));
    }

    @AfterEach
    void close() {
        parts.close();
    }

    /** Stores a post of ours of about {@code bytes} bytes of text; returns its entry ID. */
    private ByteString storedPost(SenderKey key, int bytes, long lamport) {
        byte[] post = parts.post(state, key, "p".repeat(bytes), lamport, List.of());
        ByteString entry = GroupParts.entryId(post);
        GroupMessageRecord record = new GroupMessageRecord(state.id, HexFormat.of().formatHex(entry.toByteArray()),
                parts.me.peerId(), "p", 0, 0, lamport);
        try {
            parts.commit(parts.storage.entryRow(state, record, new byte[16], List.of(), GroupPost.parse(post)));
        } catch (GroupException e) {
            throw new AssertionError(e);
        }
        return entry;
    }

    private LogIds ids(List<ByteString> ids) {
        return LogIds.newBuilder().setGroupId(ByteString.copyFrom(state.id.bytes())).addAllIds(ids).build();
    }

    @Test
    void anAnswerIsSplitIntoEnvelopesOfBoundedSize() throws GroupException {
        SenderKey ours = SenderKey.generate(GroupParts.RANDOM);
        List<ByteString> entries = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            entries.add(storedPost(ours, 20_000, i + 1));
        }

        backfill.answer(carol.peerId(), ids(entries));
        parts.loop.runUntilIdle();

        List<GroupSignal> answers = parts.takeSent(carol.peerId());
        assertTrue(answers.size() >= 2, "five posts of 20 KB do not fit one answer: " + answers.size());
        List<ByteString> delivered = new ArrayList<>();
        for (GroupSignal answer : answers) {
            int bytes = answer.getBackfill().getPostsList().stream().mapToInt(ByteString::size).sum();
            assertTrue(bytes <= Groups.MAX_BACKFILL_BYTES, bytes + " bytes in one answer");
            answer.getBackfill().getPostsList().forEach(post -> delivered.add(GroupParts.entryId(post.toByteArray())));
        }
        assertEquals(entries, delivered);
    }

    @Test
    void aNonMembersRequestIsCountedScoredAndUnanswered() throws GroupException {
        Identity stranger = Identity.generate("stranger", GroupParts.RANDOM);
        ByteString entry = storedPost(SenderKey.generate(GroupParts.RANDOM), 10, 1);

        backfill.answer(stranger.peerId(), ids(List.of(entry)));
        parts.loop.runUntilIdle();

        assertTrue(parts.sent.isEmpty());
        assertEquals(Map.of("not-a-member", 1L), parts.directory.refusedIn(state.id));
        assertEquals(GroupRejection.NOT_A_MEMBER.penalty(), parts.links.penalties().get(stranger.peerId()));
    }

    @Test
    void aRequestNamingTooManyIdsIsMalformed() {
        GroupException refused = assertThrows(GroupException.class, () -> backfill.answer(carol.peerId(),
                ids(Collections.nCopies(Groups.MAX_IDS + 1, GroupParts.randomId()))));
        assertEquals(GroupRejection.MALFORMED, refused.rejection());
    }

    @Test
    void headsWeDoNotHoldAreAskedForFromTheirSender() throws GroupException {
        ByteString unknown = GroupParts.randomId();
        ByteString held = GroupParts.randomId();
        state.log.add(new GroupLog.Entry(held, 1, List.of()));

        backfill.receiveHeads(carol.peerId(), ids(List.of(unknown, held)));

        assertEquals(List.of(unknown), parts.takeSent(carol.peerId()).get(0).getBackfillRequest().getIdsList());
    }

    @Test
    void theBeatTellsALinkedMemberOurHeadsAndAsksItForTheGaps() {
        ByteString gap = GroupParts.randomId();
        ByteString entry = GroupParts.randomId();
        state.log.add(new GroupLog.Entry(entry, 2, List.of(gap)));
        parts.links.open(carol.peerId());

        backfill.beat(state, 0);

        List<GroupSignal> sent = parts.takeSent(carol.peerId());
        assertEquals(List.of(entry), sent.get(0).getHeads().getIdsList());
        assertEquals(List.of(gap), sent.get(1).getBackfillRequest().getIdsList());
        assertNull(state.wantedLink, "a linked member may still fill the gap");
    }

    @Test
    void withNoMemberLinkedTheBeatNamesAnotherMemberToReachEachTime() {
        backfill.beat(state, 0);
        var first = state.wantedLink;
        backfill.beat(state, 1);

        assertNotNull(first);
        assertNotNull(state.wantedLink);
        assertNotEquals(first, state.wantedLink);
        assertTrue(parts.sent.isEmpty());
    }

    @Test
    void aGapOpenForSeveralBeatsReachesOutThoughAMemberIsLinked() {
        state.log.add(new GroupLog.Entry(GroupParts.randomId(), 2, List.of(GroupParts.randomId())));
        parts.links.open(carol.peerId());
        for (int beat = 0; beat < Groups.GAP_BEATS_BEFORE_REACHING_OUT - 1; beat++) {
            backfill.beat(state, beat);
            assertNull(state.wantedLink);
        }

        backfill.beat(state, Groups.GAP_BEATS_BEFORE_REACHING_OUT);

        assertEquals(alice.peerId(), state.wantedLink, "the one member not linked");
    }
}
