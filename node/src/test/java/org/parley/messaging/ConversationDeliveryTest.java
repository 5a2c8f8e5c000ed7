package org.parley.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.proto.wire.v1.Frame;
import org.parley.runtime.VirtualScheduler;

/**
 * How our reactions, edits and deletions of direct messages travel: kept in the outbox like
 * messages (retried, through the mailboxes, across a crash), and held by the peer when they
 * overtake the message they name.
 */
class ConversationDeliveryTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path directory;

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    private MessagingNode alice;
    private MessagingNode bob;

    @BeforeEach
    void twoFriends() {
        alice = new MessagingNode("alice", loop, directory, RANDOM);
        bob = new MessagingNode("bob", loop, directory, RANDOM);
        MessagingNode.befriend(alice, bob);
        MessagingNode.link(alice, bob);
        loop.runUntilIdle();
    }

    private <T> T settle(CompletableFuture<T> future) {
        loop.advance(Duration.ofSeconds(1));
        return future.join();
    }

    private static MessageRecord in(MessagingNode node, MessagingNode peer, MessageId id) {
        return node.history(peer.id()).stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void aLostEditIsSentAgainUntilItsReceiptComes() {
        MessageRecord message = alice.send(bob.id(), "v0");
        loop.advance(Duration.ofSeconds(1));
        alice.dropping.add(bob.id());
        settle(alice.messenger.edit(bob.id(), message.id(), "v1"));
        assertEquals("v0", in(bob, alice, message.id()).text(), "the first copy was lost");
        assertEquals(1, alice.messenger.outboxSize(), "the edit waits for its receipt");

        alice.dropping.remove(bob.id());
        loop.advance(alice.config.retryInterval().multipliedBy(2).plusSeconds(1));
        assertEquals("v1", in(bob, alice, message.id()).text());
        assertEquals(0, alice.messenger.outboxSize(), "the receipt took it out of the outbox");
    }

    @Test
    void anActionSurvivesACrashOfItsSenderAndLeavesAfterTheMessagesBeforeIt() {
        MessagingNode.unlink(alice, bob);
        loop.runUntilIdle();
        MessageRecord message = alice.send(bob.id(), "draft");
        settle(alice.messenger.edit(bob.id(), message.id(), "final"));
        settle(alice.messenger.react(bob.id(), message.id(), "👍"));
        assertEquals(3, alice.messenger.outboxSize());

        alice.crash();
        alice.open();
        assertEquals(3, alice.messenger.outboxSize(), "both actions were kept on disk");
        MessagingNode.link(alice, bob);
        loop.advance(Duration.ofSeconds(2));

        MessageRecord atBob = in(bob, alice, message.id());
        assertEquals("final", atBob.text());
        assertTrue(atBob.annotations().edited());
        assertEquals(List.of(new Annotations.Reacted(alice.id().toString(), "👍")), atBob.annotations().reactions());
        assertEquals(0, alice.messenger.outboxSize());
    }

    @Test
    void anActionForAPeerThatIsAwayGoesToItsMailboxes() {
        MessageRecord message = alice.send(bob.id(), "see you");
        loop.advance(Duration.ofSeconds(1));
        MessagingNode.unlink(alice, bob);
        loop.runUntilIdle();
        MessageRecord deleted = settle(alice.messenger.delete(bob.id(), message.id()));

        List<RelayItem> awaiting = alice.messenger.awaitingRelay();
        assertEquals(1, awaiting.size(), "the deletion waits for a replica like a message");
        RelayItem item = awaiting.get(0);
        loop.execute(() -> alice.messenger.relayed(bob.id(), item.id(), 3));
        loop.runUntilIdle();
        assertTrue(alice.messenger.awaitingRelay().isEmpty(), "held by replicas now");
        assertEquals(deleted.state(), in(alice, bob, message.id()).state(), "the message's own state is untouched");

        CompletableFuture<Void> taken = bob.messenger.takeRelayed(alice.id(), item.envelope());
        loop.runUntilIdle();
        taken.join();
        assertTrue(in(bob, alice, message.id()).annotations().deleted());
        MessagingNode.link(alice, bob);
        loop.advance(Duration.ofSeconds(2));
        assertEquals(0, alice.messenger.outboxSize(), "bob's receipt names the deletion");
    }

    @Test
    void anEditThatOvertakesItsMessageIsHeldAndAppliedWhenTheMessageComes() {
        int before = bob.sent.size();
        bob.dropping.add(alice.id());
        MessageRecord message = bob.send(alice.id(), "v0");
        settle(bob.messenger.edit(alice.id(), message.id(), "v1"));
        List<Frame> frames = bob.sent.subList(before, bob.sent.size()).stream().filter(Frame::hasEnvelope).toList();
        assertEquals(2, frames.size());

        deliverToAlice(frames.get(1));
        assertTrue(alice.history(bob.id()).isEmpty());
        deliverToAlice(frames.get(0));
        MessageRecord shown = in(alice, bob, message.id());
        assertEquals("v1", shown.text(), "the held edit applied when its message came");
        assertTrue(shown.annotations().edited());
        assertEquals("v1", alice.added.get(alice.added.size() - 1).text(), "watchers see the message as edited");
    }

    @Test
    void anActionHeldFromOnePeerNeverChangesAnotherPeersMessage() {
        MessagingNode carol = new MessagingNode("carol", loop, directory, RANDOM);
        MessagingNode.befriend(alice, carol);
        MessagingNode.link(alice, carol);
        loop.runUntilIdle();
        int before = bob.sent.size();
        bob.dropping.add(alice.id());
        MessageRecord message = bob.send(alice.id(), "bob's words");
        loop.runUntilIdle();
        Frame bobsMessage = bob.sent.subList(before, bob.sent.size()).stream().filter(Frame::hasEnvelope)
                .findFirst().orElseThrow();
        // Carol learned the ID somehow and asks alice to take bob's message back.
        loop.execute(() -> carol.messenger.sendUnchecked(alice.id(), org.parley.proto.wire.v1.Content.newBuilder()
                .setMessageId(com.google.protobuf.ByteString.copyFrom(MessageId.random(RANDOM).bytes()))
                .setSentAtMs(loop.nowMillis())
                .setConversationAction(org.parley.proto.wire.v1.ConversationAction.newBuilder()
                        .setTarget(com.google.protobuf.ByteString.copyFrom(message.id().bytes()))
                        .setDeletion(org.parley.proto.wire.v1.Deletion.getDefaultInstance()))
                .build()));
        loop.advance(Duration.ofSeconds(1));
        deliverToAlice(bobsMessage);

        MessageRecord shown = in(alice, bob, message.id());
        assertFalse(shown.annotations().deleted());
        assertEquals("bob's words", shown.text());
    }

    @Test
    void anUpdateOfAMessageEditedBeforeItsReceiptCarriesTheEditedTextAlsoAfterARestart() {
        MessagingNode.unlink(alice, bob);
        loop.runUntilIdle();
        MessageRecord message = alice.send(bob.id(), "typo");
        settle(alice.messenger.edit(bob.id(), message.id(), "fixed"));
        alice.crash();
        alice.open();
        MessageRecord second = alice.send(bob.id(), "another typo");
        settle(alice.messenger.edit(bob.id(), second.id(), "fixed again"));
        MessagingNode.link(alice, bob);
        loop.advance(Duration.ofSeconds(2));

        MessageRecord firstUpdate = lastUpdateOf(message.id());
        assertEquals(MessageRecord.DELIVERED, firstUpdate.state());
        assertEquals("fixed", firstUpdate.text());
        assertTrue(firstUpdate.annotations().edited());
        MessageRecord secondUpdate = lastUpdateOf(second.id());
        assertEquals(MessageRecord.DELIVERED, secondUpdate.state());
        assertEquals("fixed again", secondUpdate.text());
    }

    private MessageRecord lastUpdateOf(MessageId id) {
        List<MessageRecord> updates = alice.updated.stream().filter(m -> m.id().equals(id)).toList();
        return updates.get(updates.size() - 1);
    }

    private void deliverToAlice(Frame frame) {
        loop.execute(() -> alice.messenger.frameReceived(bob.id(), frame));
        loop.advance(Duration.ofSeconds(1));
    }
}
