package org.parley.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.messaging.Annotations;
import org.parley.overlay.gossip.GossipId;
import org.parley.overlay.gossip.GossipOverLinks;
import org.parley.proto.wire.v1.ConversationAction;
import org.parley.proto.wire.v1.Edit;
import org.parley.proto.wire.v1.GroupText;
import org.parley.proto.wire.v1.Reaction;
import org.parley.runtime.VirtualScheduler;

/**
 * Replies, reactions, edits and deletions in a group, under the sender keys: what members see,
 * and what a member that breaks the rules gets.
 */
class GroupConversationTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path directory;

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    private GroupNode alice;
    private GroupNode bob;
    private GroupId id;

    @BeforeEach
    void aliceAndBobShareAGroup() {
        alice = new GroupNode("alice", 1, loop, directory, RANDOM);
        bob = new GroupNode("bob", 2, loop, directory, RANDOM);
        GroupNode.linkAll(List.of(alice, bob));
        loop.advance(Duration.ofSeconds(5));
        id = alice.await(alice.groups.create("club")).id();
        alice.await(alice.groups.invite(id, bob.id(), false));
        loop.advance(Duration.ofSeconds(5));
        bob.await(bob.groups.join(id));
        loop.advance(Duration.ofSeconds(5));
    }

    private GroupMessageRecord at(GroupNode node, String entryId) {
        return node.history(id).stream().filter(m -> m.entryId().equals(entryId)).findFirst().orElseThrow();
    }

    private static byte[] bytes(String entryId) {
        return HexFormat.of().parseHex(entryId);
    }

    private <T> T settle(GroupNode node, CompletableFuture<T> request) {
        T value = node.await(request);
        loop.advance(Duration.ofSeconds(2));
        return value;
    }

    private static GroupFailure refusal(GroupNode node, CompletableFuture<?> request) {
        node.loop.runUntilIdle();
        CompletionException thrown = assertThrows(CompletionException.class, request::join);
        return assertInstanceOf(GroupFailure.class, thrown.getCause());
    }

    @Test
    void membersSeeRepliesReactionsEditsAndDeletions() {
        GroupMessageRecord question = settle(alice, alice.groups.send(id, "who brings cake?"));
        GroupMessageRecord answer = settle(bob, bob.groups.send(id, "me", Optional.of(bytes(question.entryId()))));
        assertEquals(question.entryId(), at(alice, answer.entryId()).annotations().replyTo());

        settle(bob, bob.groups.react(id, bytes(question.entryId()), "🎂"));
        assertEquals(List.of(new Annotations.Reacted(bob.id().toString(), "🎂")),
                at(alice, question.entryId()).annotations().reactions());

        settle(alice, alice.groups.edit(id, bytes(question.entryId()), "who brings the cake?"));
        GroupMessageRecord edited = at(bob, question.entryId());
        assertEquals("who brings the cake?", edited.text());
        assertTrue(edited.annotations().edited());

        GroupMessageRecord deleted = settle(bob, bob.groups.delete(id, bytes(answer.entryId())));
        assertTrue(deleted.annotations().deleted());
        assertEquals("", at(bob, answer.entryId()).text(), "the sender's copy goes at once");
        assertTrue(at(alice, answer.entryId()).annotations().deleted());
        assertEquals("", at(alice, answer.entryId()).text());

        assertEquals(2, alice.history(id).size(), "the posts that carry changes are no messages of the history");
        assertEquals(alice.history(id).stream().map(GroupMessageRecord::entryId).toList(),
                bob.history(id).stream().map(GroupMessageRecord::entryId).toList());
    }

    @Test
    void aGroupsMessageCountLeavesOutThePostsThatCarryActionsAlsoAfterARestart() {
        GroupMessageRecord question = settle(alice, alice.groups.send(id, "tea?"));
        settle(bob, bob.groups.react(id, bytes(question.entryId()), "👍"));
        settle(alice, alice.groups.edit(id, bytes(question.entryId()), "tea or coffee?"));
        settle(bob, bob.groups.send(id, "coffee"));
        assertEquals(2, messageCount(alice));
        assertEquals(2, messageCount(bob));
        alice.crash();
        alice.open();
        assertEquals(2, messageCount(alice));
    }

    private long messageCount(GroupNode node) {
        return node.groups.groups().stream().filter(group -> group.id().equals(id)).findFirst().orElseThrow()
                .messages();
    }

    @Test
    void onlyTheAuthorEditsOrDeletesAndUnknownMessagesAreRefused() {
        GroupMessageRecord mine = settle(alice, alice.groups.send(id, "alice's"));
        assertEquals(GroupFailure.Reason.NOT_ALLOWED,
                refusal(bob, bob.groups.edit(id, bytes(mine.entryId()), "bob's now")).reason());
        assertEquals(GroupFailure.Reason.NOT_ALLOWED,
                refusal(bob, bob.groups.delete(id, bytes(mine.entryId()))).reason());
        byte[] unknown = new byte[32];
        RANDOM.nextBytes(unknown);
        assertEquals(GroupFailure.Reason.NOT_FOUND, refusal(bob, bob.groups.react(id, unknown, "👍")).reason());
        assertEquals(GroupFailure.Reason.NOT_FOUND,
                refusal(bob, bob.groups.send(id, "re", Optional.of(unknown))).reason());
        assertEquals(GroupFailure.Reason.INVALID,
                refusal(bob, bob.groups.react(id, bytes(mine.entryId()), "🎉".repeat(9))).reason());
    }

    @Test
    void aForgedEditOrDeletionOfAnotherMembersMessageChangesNothingAndIsCounted() {
        GroupMessageRecord mine = settle(alice, alice.groups.send(id, "alice wrote this"));
        deliver(alice, sealedBy(bob, action(mine.entryId()).setEdit(Edit.newBuilder().setText("forged")), null));
        deliver(alice, sealedBy(bob, action(mine.entryId())
                .setDeletion(org.parley.proto.wire.v1.Deletion.getDefaultInstance()), null));
        GroupMessageRecord shown = at(alice, mine.entryId());
        assertEquals("alice wrote this", shown.text());
        assertFalse(shown.annotations().edited());
        assertFalse(shown.annotations().deleted());
        assertEquals(2L, alice.groups.refusedIn(id).get("not-allowed"));
    }

    @Test
    void editsArrivingOutOfOrderEndAtTheLatestAndAReplayChangesNothing() {
        GroupMessageRecord bobs = settle(bob, bob.groups.send(id, "v0"));
        assertEquals("v0", at(alice, bobs.entryId()).text());
        byte[] first = sealedBy(bob, action(bobs.entryId()).setEdit(Edit.newBuilder().setText("v1")), null);
        byte[] second = sealedBy(bob, action(bobs.entryId()).setEdit(Edit.newBuilder().setText("v2")),
                GroupsTest.parse(first));

        deliver(alice, second);
        deliver(alice, first);
        assertEquals("v2", at(alice, bobs.entryId()).text(), "the later edit wins, whatever the arrival order");
        deliver(alice, first);
        assertEquals("v2", at(alice, bobs.entryId()).text());
        assertEquals(1L, alice.groups.refusedIn(id).get("replayed"));
    }

    @Test
    void aReactionToAnUnknownMessageIsDroppedAndMisshapenActionsAreRefused() {
        GroupMessageRecord mine = settle(alice, alice.groups.send(id, "hi"));
        byte[] unknown = new byte[32];
        RANDOM.nextBytes(unknown);
        deliver(alice, sealedBy(bob, ConversationAction.newBuilder().setTarget(ByteString.copyFrom(unknown))
                .setReaction(Reaction.newBuilder().setEmoji("👍")), null));
        assertTrue(at(alice, mine.entryId()).annotations().reactions().isEmpty());
        assertNull(alice.groups.refusedIn(id).get("not-allowed"));

        deliver(alice, sealedBy(bob, action(mine.entryId()).setReaction(Reaction.newBuilder()
                .setEmoji("👍".repeat(20))), null));
        assertEquals(1L, alice.groups.refusedIn(id).get("too-large"));
        deliver(alice, sealedBy(bob, action(mine.entryId()).setReaction(Reaction.newBuilder()
                .setEmoji("\u001b]0;owned\u0007")), null));
        assertEquals(1L, alice.groups.refusedIn(id).get("malformed"));
        assertTrue(at(alice, mine.entryId()).annotations().reactions().isEmpty());
        assertEquals(1, alice.history(id).size());
    }

    @Test
    void anActionThatOvertakesItsMessageIsHeldAndJudgedWhenTheMessageComes() {
        GroupNode carol = new GroupNode("carol", 3, loop, directory, RANDOM);
        GroupNode.linkAll(List.of(alice, bob, carol));
        loop.advance(Duration.ofSeconds(5));
        alice.await(alice.groups.invite(id, carol.id(), false));
        loop.advance(Duration.ofSeconds(5));
        carol.await(carol.groups.join(id));
        loop.advance(Duration.ofSeconds(30));
        byte[] message = textBy(bob, "v0");
        String entryId = HexFormat.of().formatHex(GroupsTest.parse(message).entryId());
        byte[] edit = sealedBy(bob, action(entryId).setEdit(Edit.newBuilder().setText("v1")), GroupsTest.parse(message));
        byte[] forged = sealedBy(alice, action(entryId).setDeletion(
                org.parley.proto.wire.v1.Deletion.getDefaultInstance()), GroupsTest.parse(message));

        deliverTo(carol, edit);
        deliverTo(carol, forged);
        assertTrue(carol.history(id).isEmpty());
        deliverTo(carol, message);
        GroupMessageRecord shown = carol.history(id).get(0);
        assertEquals("v1", shown.text(), "the held edit applied when its message came");
        assertFalse(shown.annotations().deleted(), "the held deletion was not its sender's to make");
        assertEquals(1L, carol.groups.refusedIn(id).get("not-allowed"));
        assertEquals(1, messageCount(carol));
    }

    /** A text post as {@code member}'s client would seal it, after the heads of its log. */
    private byte[] textBy(GroupNode member, String text) {
        GroupLog log = member.groups.state(id).log;
        byte[] messageId = new byte[16];
        RANDOM.nextBytes(messageId);
        GroupText plain = GroupText.newBuilder().setMessageId(ByteString.copyFrom(messageId))
                .setSentAtMs(loop.nowMillis()).setLamport(log.nextLamport()).addAllParents(log.heads())
                .setText(text).build();
        return member.groups.state(id).ownKey.seal(plain.toByteArray(), id.bytes(), loop.nowMillis(), RANDOM)
                .toBytes();
    }

    private void deliverTo(GroupNode to, byte[] payload) {
        to.groups.delivered(new GossipOverLinks.Delivery(id.topic(), GossipId.of(id.topic(),
                ByteString.copyFrom(payload)), payload, 1));
        loop.runUntilIdle();
    }

    private static ConversationAction.Builder action(String entryId) {
        return ConversationAction.newBuilder().setTarget(ByteString.copyFrom(bytes(entryId)));
    }

    private void deliver(GroupNode to, byte[] payload) {
        to.groups.delivered(new GossipOverLinks.Delivery(id.topic(), GossipId.of(id.topic(),
                ByteString.copyFrom(payload)), payload, 1));
        loop.runUntilIdle();
    }

    /**
     * A post carrying {@code action} as {@code member}'s client would seal it, after the heads of
     * {@code member}'s log, or after {@code after} (a post not in that log) when given.
     */
    private byte[] sealedBy(GroupNode member, ConversationAction.Builder action, GroupPost after) {
        GroupLog log = member.groups.state(id).log;
        List<ByteString> parents = after == null ? log.heads() : List.of(ByteString.copyFrom(after.entryId()));
        long lamport = log.nextLamport() + (after == null ? 0 : 1);
        byte[] messageId = new byte[16];
        RANDOM.nextBytes(messageId);
        GroupText plain = GroupText.newBuilder().setMessageId(ByteString.copyFrom(messageId))
                .setSentAtMs(loop.nowMillis()).setLamport(lamport).addAllParents(parents)
                .setConversationAction(action).build();
        return member.groups.state(id).ownKey.seal(plain.toByteArray(), id.bytes(), loop.nowMillis(), RANDOM)
                .toBytes();
    }
}
