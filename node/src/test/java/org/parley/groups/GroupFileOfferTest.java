package org.parley.groups;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.proto.wire.v1.ConversationAction;
import org.parley.proto.wire.v1.FileOffer;
import org.parley.proto.wire.v1.GroupText;

/** File offers in group posts reach the files layer only from members, only with a text, only once stored. */
class GroupFileOfferTest {
    @TempDir
    Path folder;

    private GroupParts parts;
    private final Identity alice = Identity.generate("alice", GroupParts.RANDOM);
    private final Identity mallory = Identity.generate("mallory", GroupParts.RANDOM);
    private GroupState state;
    private final List<String> stored = new ArrayList<>();
    private final List<String> told = new ArrayList<>();

    private final FileOffer offer = FileOffer.newBuilder().setName("holiday.jpg").setSize(1_000_000)
            .setSha256(ByteString.copyFrom(new byte[32])).setMerkleRoot(ByteString.copyFrom(new byte[32]))
            .setChunkSize(262144).setKey(ByteString.copyFrom(new byte[32])).build();

    @BeforeEach
    void aliceFoundedAGroupWithUs() {
        parts = new GroupParts(folder);
        state = parts.group(alice, List.of(parts.me));
        parts.posts.takeFileOffersWith(new GroupFileIntake() {
            @Override
            public void store(Connection connection, GroupId group, PeerId sender, byte[] entryId, FileOffer file,
                              long receivedAt) {
                stored.add(sender.shortForm() + ":" + file.getName());
            }

            @Override
            public void stored(GroupId group, PeerId sender, byte[] entryId, FileOffer file) {
                assertEquals(state.id, group);
                told.add(sender.shortForm() + ":" + ByteString.copyFrom(entryId).size());
            }
        });
    }

    @AfterEach
    void close() {
        parts.close();
    }

    private byte[] post(SenderKey key, GroupText.Builder text) {
        byte[] messageId = new byte[16];
        GroupParts.RANDOM.nextBytes(messageId);
        return key.seal(text.setMessageId(ByteString.copyFrom(messageId)).setSentAtMs(parts.loop.nowMillis())
                .setLamport(1).build().toByteArray(), state.id.bytes(), parts.loop.nowMillis(), GroupParts.RANDOM)
                .toBytes();
    }

    private SenderKey keyOf(Identity owner) {
        SenderKey key = SenderKey.generate(GroupParts.RANDOM);
        try {
            state.putKey(owner.peerId(), SenderKey.received(key.keyId(), key.iteration(), key.chainKey()));
        } catch (GroupException e) {
            throw new AssertionError(e);
        }
        return key;
    }

    @Test
    void aMembersOfferIsStoredWithItsPostThenToldBeforeThePostIs() {
        byte[] post = post(keyOf(alice), GroupText.newBuilder().setText("[file] holiday.jpg").setFile(offer));
        parts.posts.receive(state, post, null, false);
        parts.loop.runUntilIdle();

        assertEquals(List.of(alice.peerId().shortForm() + ":holiday.jpg"), stored);
        assertEquals(List.of(alice.peerId().shortForm() + ":32"), told);
        assertEquals(1, parts.added.size());
        assertArrayEquals(GroupParts.entryId(post).toByteArray(),
                java.util.HexFormat.of().parseHex(parts.added.get(0).entryId()));
    }

    @Test
    void anOfferUnderTheKeyOfSomeoneWhoIsNoMemberIsRefusedAndReachesNoFiles() {
        byte[] forged = post(keyOf(mallory), GroupText.newBuilder().setText("[file] invoice.pdf.exe").setFile(offer));
        parts.posts.receive(state, forged, null, false);
        parts.loop.runUntilIdle();

        assertTrue(stored.isEmpty() && told.isEmpty() && parts.added.isEmpty());
        assertEquals(1L, parts.directory.refusedIn(state.id).get(Misbehaviour.NOT_A_MEMBER.label()));
    }

    @Test
    void anOfferRidingOnAReactionIsOutOfShapeAndReachesNoFiles() {
        GroupText.Builder both = GroupText.newBuilder().setFile(offer).setConversationAction(ConversationAction
                .newBuilder().setTarget(ByteString.copyFrom(new byte[32]))
                .setReaction(org.parley.proto.wire.v1.Reaction.newBuilder().setEmoji("+")));
        assertThrows(GroupException.class, () -> PostIntake.checkedText(both.setMessageId(ByteString.copyFrom(
                new byte[16])).setLamport(1).build().toByteArray()));

        parts.posts.receive(state, post(keyOf(alice), both), null, false);
        parts.loop.runUntilIdle();
        assertTrue(stored.isEmpty() && told.isEmpty());
    }
}
