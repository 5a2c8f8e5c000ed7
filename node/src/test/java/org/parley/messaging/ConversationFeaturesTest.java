package org.parley.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.proto.wire.v1.Content;
import org.parley.proto.wire.v1.Deletion;
import org.parley.proto.wire.v1.Edit;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.Reaction;
import org.parley.runtime.VirtualScheduler;

/**
 * Replies, reactions, edits and deletions of direct messages between two messengers on real
 * SQLite files, through the ratchet; and what a peer that breaks the rules gets.
 */
class ConversationFeaturesTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path directory;

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    private final List<MessageRecord> changedAtBob = new ArrayList<>();

    private MessagingNode alice;
    private MessagingNode bob;

    private void twoFriends() {
        alice = new MessagingNode("alice", loop, directory, RANDOM);
        bob = new MessagingNode("bob", loop, directory, RANDOM);
        MessagingNode.befriend(alice, bob);
        MessagingNode.link(alice, bob);
        loop.runUntilIdle();
        bob.messenger.addListener(new MessagingEvents() {
            @Override
            public void messageAdded(MessageRecord message) {
            }

            @Override
            public void messageUpdated(MessageRecord message) {
            }

            @Override
            public void messageChanged(MessageRecord message) {
                changedAtBob.add(message);
            }
        });
    }

    private <T> T settle(CompletableFuture<T> future) {
        loop.advance(Duration.ofSeconds(1));
        return future.join();
    }

    private MessageRecord atBob(MessageId id) {
        return bob.history(alice.id()).stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow();
    }

    private MessageRecord atAlice(MessageId id) {
        return alice.history(bob.id()).stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow();
    }

    private static MessagingException refusal(CompletableFuture<?> future) {
        CompletionException thrown = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, future::join);
        return assertInstanceOf(MessagingException.class, thrown.getCause());
    }

    /** Bob's client, modified: sends an action however it likes. */
    private void bobSendsRaw(org.parley.proto.wire.v1.ConversationAction action, long sentAt) {
        loop.execute(() -> bob.messenger.sendUnchecked(alice.id(), Content.newBuilder()
                .setMessageId(ByteString.copyFrom(MessageId.random(RANDOM).bytes()))
                .setSentAtMs(sentAt)
                .setConversationAction(action)
                .build()));
        loop.advance(Duration.ofSeconds(1));
    }

    private static org.parley.proto.wire.v1.ConversationAction.Builder on(MessageId target) {
        return org.parley.proto.wire.v1.ConversationAction.newBuilder().setTarget(ByteString.copyFrom(target.bytes()));
    }

    @Test
    void aReplyReactionEditAndDeletionReachThePeer() {
        twoFriends();
        MessageRecord question = alice.send(bob.id(), "lunch?");
        loop.advance(Duration.ofSeconds(1));

        MessageRecord answer = settle(bob.messenger.send(alice.id(), "yes", Optional.of(question.id())));
        assertEquals(question.id().toString(), answer.annotations().replyTo());
        assertEquals(question.id().toString(), atAlice(answer.id()).annotations().replyTo(), "the quote travelled");

        settle(bob.messenger.react(alice.id(), question.id(), "👍"));
        assertEquals(List.of(new Annotations.Reacted(bob.id().toString(), "👍")),
                atAlice(question.id()).annotations().reactions());

        MessageRecord edited = settle(alice.messenger.edit(bob.id(), question.id(), "lunch at noon?"));
        assertTrue(edited.annotations().edited());
        assertEquals("lunch at noon?", atBob(question.id()).text());
        assertTrue(atBob(question.id()).annotations().edited());
        assertEquals("lunch at noon?", changedAtBob.get(changedAtBob.size() - 1).text(), "watchers hear of it");

        MessageRecord deleted = settle(alice.messenger.delete(bob.id(), question.id()));
        assertTrue(deleted.annotations().deleted());
        assertEquals("", atAlice(question.id()).text(), "the sender's own copy goes at once");
        MessageRecord atBobNow = atBob(question.id());
        assertTrue(atBobNow.annotations().deleted());
        assertEquals("", atBobNow.text());
        assertTrue(atBobNow.annotations().reactions().isEmpty(), "a deleted message keeps no reactions");
        assertEquals(question.id().toString(), atAlice(answer.id()).annotations().replyTo(),
                "a reply still names what it quoted");
    }

    @Test
    void onePersonHasOneReactionPerMessageAndCanTakeItBack() {
        twoFriends();
        MessageRecord message = alice.send(bob.id(), "news");
        loop.advance(Duration.ofSeconds(1));

        settle(bob.messenger.react(alice.id(), message.id(), "👍"));
        settle(bob.messenger.react(alice.id(), message.id(), "🎉"));
        settle(alice.messenger.react(bob.id(), message.id(), "❤️"));
        assertEquals(List.of("❤️", "🎉").stream().sorted().toList(),
                atAlice(message.id()).annotations().reactions().stream().map(Annotations.Reacted::emoji).sorted().toList());

        settle(bob.messenger.react(alice.id(), message.id(), ""));
        assertEquals(List.of(new Annotations.Reacted(alice.id().toString(), "❤️")),
                atAlice(message.id()).annotations().reactions());
    }

    @Test
    void onlyTheAuthorEditsOrDeletesAndOnlyKnownMessagesAreNamed() {
        twoFriends();
        MessageRecord message = alice.send(bob.id(), "mine");
        loop.advance(Duration.ofSeconds(1));

        CompletableFuture<MessageRecord> edit = bob.messenger.edit(alice.id(), message.id(), "bob's now");
        loop.runUntilIdle();
        assertEquals(MessagingException.Reason.NOT_ALLOWED, refusal(edit).reason());
        CompletableFuture<MessageRecord> delete = bob.messenger.delete(alice.id(), message.id());
        loop.runUntilIdle();
        assertEquals(MessagingException.Reason.NOT_ALLOWED, refusal(delete).reason());
        CompletableFuture<MessageRecord> unknown = bob.messenger.react(alice.id(), MessageId.random(RANDOM), "👍");
        loop.runUntilIdle();
        assertEquals(MessagingException.Reason.NOT_FOUND, refusal(unknown).reason());
        CompletableFuture<MessageRecord> replyToNothing = bob.messenger.send(alice.id(), "re",
                Optional.of(MessageId.random(RANDOM)));
        loop.runUntilIdle();
        assertEquals(MessagingException.Reason.NOT_FOUND, refusal(replyToNothing).reason());
    }

    @Test
    void aForgedEditOrDeletionOfSomeoneElsesMessageChangesNothingAndCostsItsSender() {
        twoFriends();
        MessageRecord message = alice.send(bob.id(), "alice wrote this");
        loop.advance(Duration.ofSeconds(1));

        bobSendsRaw(on(message.id()).setEdit(Edit.newBuilder().setText("alice says bob is right")).build(),
                loop.nowMillis());
        bobSendsRaw(on(message.id()).setDeletion(Deletion.getDefaultInstance()).build(), loop.nowMillis());

        MessageRecord atAlice = atAlice(message.id());
        assertEquals("alice wrote this", atAlice.text());
        assertFalse(atAlice.annotations().edited());
        assertFalse(atAlice.annotations().deleted());
        assertEquals(2L, alice.messenger.refusedFrom(bob.id()).get("not-allowed"));
        assertTrue(alice.penalties.getOrDefault(bob.id(), 0.0) > 0, "the sender is penalised");
    }

    @Test
    void editsThatArriveOutOfOrderEndAtTheLatestAndAReplayChangesNothing() {
        twoFriends();
        MessageRecord message = bob.send(alice.id(), "v0");
        loop.advance(Duration.ofSeconds(1));
        int before = bob.sent.size();
        bob.dropping.add(alice.id());
        settle(bob.messenger.edit(alice.id(), message.id(), "v1"));
        settle(bob.messenger.edit(alice.id(), message.id(), "v2"));
        List<Frame> edits = bob.sent.subList(before, bob.sent.size()).stream().filter(Frame::hasEnvelope).toList();
        assertEquals(2, edits.size());
        assertEquals("v0", atAlice(message.id()).text(), "nothing got through yet");

        deliverToAlice(edits.get(1));
        deliverToAlice(edits.get(0));
        assertEquals("v2", atAlice(message.id()).text(), "the later edit wins, whatever the arrival order");

        deliverToAlice(edits.get(0));
        assertEquals("v2", atAlice(message.id()).text(), "a replayed edit changes nothing");
        assertEquals(1L, alice.messenger.refusedFrom(bob.id()).get("replayed"));
    }

    @Test
    void anOlderEditFromAModifiedClientLosesToTheNewerOne() {
        twoFriends();
        MessageRecord message = bob.send(alice.id(), "v0");
        loop.advance(Duration.ofSeconds(1));
        long now = loop.nowMillis();
        bobSendsRaw(on(message.id()).setEdit(Edit.newBuilder().setText("newer")).build(), now + 10);
        bobSendsRaw(on(message.id()).setEdit(Edit.newBuilder().setText("older")).build(), now + 5);
        assertEquals("newer", atAlice(message.id()).text());
    }

    private void deliverToAlice(Frame frame) {
        loop.execute(() -> alice.messenger.frameReceived(bob.id(), frame));
        loop.advance(Duration.ofSeconds(1));
    }

    @Test
    void aReactionToAnUnknownMessageIsDroppedWithoutBlame() {
        twoFriends();
        bobSendsRaw(on(MessageId.random(RANDOM)).setReaction(Reaction.newBuilder().setEmoji("👍")).build(),
                loop.nowMillis());
        assertTrue(alice.history(bob.id()).isEmpty());
        assertNull(alice.penalties.get(bob.id()));
    }

    @Test
    void oversizedOrControlCharacterReactionsAreRefusedOnBothSides() {
        twoFriends();
        MessageRecord message = alice.send(bob.id(), "hi");
        loop.advance(Duration.ofSeconds(1));

        bobSendsRaw(on(message.id()).setReaction(Reaction.newBuilder().setEmoji("👍".repeat(20))).build(),
                loop.nowMillis());
        bobSendsRaw(on(message.id()).setReaction(Reaction.newBuilder().setEmoji("\u001b[2J")).build(),
                loop.nowMillis());
        assertTrue(atAlice(message.id()).annotations().reactions().isEmpty());
        assertEquals(1L, alice.messenger.refusedFrom(bob.id()).get("too-large"));
        assertEquals(1L, alice.messenger.refusedFrom(bob.id()).get("malformed"));

        CompletableFuture<MessageRecord> ownOversized = bob.messenger.react(alice.id(), message.id(), "x".repeat(40));
        CompletableFuture<MessageRecord> ownEscape = bob.messenger.react(alice.id(), message.id(), "\u202e");
        loop.runUntilIdle();
        assertEquals(MessagingException.Reason.INVALID, refusal(ownOversized).reason());
        assertEquals(MessagingException.Reason.INVALID, refusal(ownEscape).reason());
    }

    @Test
    void aDeletedMessageTakesNoLaterEditOrReaction() {
        twoFriends();
        MessageRecord message = bob.send(alice.id(), "soon gone");
        loop.advance(Duration.ofSeconds(1));
        settle(bob.messenger.delete(alice.id(), message.id()));
        long later = loop.nowMillis() + 60_000;
        bobSendsRaw(on(message.id()).setEdit(Edit.newBuilder().setText("back again")).build(), later);
        bobSendsRaw(on(message.id()).setReaction(Reaction.newBuilder().setEmoji("👍")).build(), later + 1);
        MessageRecord atAlice = atAlice(message.id());
        assertTrue(atAlice.annotations().deleted());
        assertEquals("", atAlice.text());
        assertTrue(atAlice.annotations().reactions().isEmpty());

        CompletableFuture<MessageRecord> edit = bob.messenger.edit(alice.id(), message.id(), "again");
        loop.runUntilIdle();
        assertEquals(MessagingException.Reason.WRONG_STATE, refusal(edit).reason());
    }

    @Test
    void aStrangerMayDeleteItsRequestButNotEditItOrReact() {
        alice = new MessagingNode("alice", loop, directory, RANDOM);
        bob = new MessagingNode("bob", loop, directory, RANDOM);
        bob.messenger.addContact(alice.id(), "alice");
        MessagingNode.link(alice, bob);
        loop.runUntilIdle();
        MessageRecord request = bob.send(alice.id(), "hello stranger");
        loop.advance(Duration.ofSeconds(1));
        assertTrue(atAlice(request.id()).request());

        settle(bob.messenger.edit(alice.id(), request.id(), "a much longer text"));
        assertEquals("hello stranger", atAlice(request.id()).text());
        settle(bob.messenger.delete(alice.id(), request.id()));
        assertTrue(atAlice(request.id()).annotations().deleted());
    }
}
