package org.parley.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.Content;
import org.parley.proto.wire.v1.ReadReceipt;
import org.parley.proto.wire.v1.Typing;
import org.parley.runtime.VirtualScheduler;

/**
 * Read receipts and typing indicators (decision 0053) between messengers on real SQLite files,
 * through the ratchet: both switches off until turned on, reciprocal, never to or from a
 * stranger; and what a peer that forges, replays, reorders or floods them gets.
 */
class ReadReceiptsAndTypingTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path directory;

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    private final List<String> readAtAlice = new ArrayList<>();
    private final List<Boolean> typingAtAlice = new ArrayList<>();
    private final List<Boolean> typingAtBob = new ArrayList<>();

    private MessagingNode alice;
    private MessagingNode bob;

    private void twoFriends() {
        alice = new MessagingNode("alice", loop, directory, RANDOM);
        bob = new MessagingNode("bob", loop, directory, RANDOM);
        MessagingNode.befriend(alice, bob);
        MessagingNode.link(alice, bob);
        loop.runUntilIdle();
        listen();
    }

    private void listen() {
        alice.messenger.addListener(new MessagingEvents() {
            @Override
            public void messageAdded(MessageRecord message) {
            }

            @Override
            public void messageUpdated(MessageRecord message) {
            }

            @Override
            public void readBy(PeerId peer, MessageId upTo, long readAtMillis) {
                readAtAlice.add(peer.shortForm() + " " + upTo);
            }

            @Override
            public void typing(PeerId peer, boolean active) {
                typingAtAlice.add(active);
            }
        });
        bob.messenger.addListener(new MessagingEvents() {
            @Override
            public void messageAdded(MessageRecord message) {
            }

            @Override
            public void messageUpdated(MessageRecord message) {
            }

            @Override
            public void typing(PeerId peer, boolean active) {
                typingAtBob.add(active);
            }
        });
    }

    private <T> T settle(CompletableFuture<T> future) {
        loop.advance(Duration.ofSeconds(1));
        return future.join();
    }

    private static void switchOn(MessagingNode node, PeerId peer, boolean readReceipts, boolean typing) {
        CompletableFuture<ConversationSignals.Switches> set = node.messenger.signals()
                .setSwitches(peer, Optional.of(readReceipts), Optional.of(typing));
        node.loop.runUntilIdle();
        set.join();
    }

    private List<String> statesAtAlice() {
        return alice.history(bob.id()).stream().filter(m -> m.direction().equals(MessageRecord.OUT))
                .map(MessageRecord::state).toList();
    }

    /** {@code from}'s client, modified: sends whatever content it likes to {@code to}. */
    private void sendsRaw(MessagingNode from, PeerId to, Content.Builder content) {
        loop.execute(() -> from.messenger.sendUnchecked(to, content
                .setMessageId(ByteString.copyFrom(MessageId.random(RANDOM).bytes()))
                .setSentAtMs(loop.nowMillis())
                .build()));
        loop.advance(Duration.ofMillis(10));
    }

    private static Content.Builder readUpTo(MessageId id) {
        return Content.newBuilder().setReadReceipt(ReadReceipt.newBuilder().setUpTo(ByteString.copyFrom(id.bytes())));
    }

    private static Content.Builder typing(boolean active) {
        return Content.newBuilder().setTyping(Typing.newBuilder().setActive(active));
    }

    @Test
    void aReadReceiptNamesTheNewestMessageReadAndNeedsBothSidesOn() {
        twoFriends();
        alice.send(bob.id(), "one");
        alice.send(bob.id(), "two");
        loop.advance(Duration.ofSeconds(1));
        assertEquals(List.of("delivered", "delivered"), statesAtAlice());

        ConversationSignals.Marked offBoth = settle(bob.messenger.signals().markRead(alice.id(), Optional.empty()));
        assertTrue(offBoth.upTo().isPresent(), "the mark moves even with receipts off");
        assertFalse(offBoth.receiptSent(), "off by default: nothing is sent");

        switchOn(bob, alice.id(), true, false);
        MessageRecord three = alice.send(bob.id(), "three");
        loop.advance(Duration.ofSeconds(1));
        ConversationSignals.Marked bobOnly = settle(bob.messenger.signals().markRead(alice.id(), Optional.empty()));
        assertEquals(Optional.of(three.id()), bobOnly.upTo());
        assertTrue(bobOnly.receiptSent());
        assertEquals(List.of("delivered", "delivered", "delivered"), statesAtAlice(),
                "reciprocal: Alice, who sends none, takes none");
        assertTrue(readAtAlice.isEmpty());

        switchOn(alice, bob.id(), true, false);
        MessageRecord four = alice.send(bob.id(), "four");
        MessageRecord five = alice.send(bob.id(), "five");
        loop.advance(Duration.ofSeconds(1));
        ConversationSignals.Marked both = settle(bob.messenger.signals().markRead(alice.id(), Optional.of(four.id())));
        assertEquals(Optional.of(four.id()), both.upTo());
        assertEquals(List.of("read", "read", "read", "read", "delivered"), statesAtAlice(),
                "one receipt covers every message sent before the one it names");
        assertEquals(List.of(bob.id().shortForm() + " " + four.id()), readAtAlice);

        ConversationSignals.Marked again = settle(bob.messenger.signals().markRead(alice.id(), Optional.of(four.id())));
        assertTrue(again.upTo().isEmpty(), "nothing newer: no second receipt");
        assertFalse(again.receiptSent());
        settle(bob.messenger.signals().markRead(alice.id(), Optional.empty()));
        assertEquals(List.of("read", "read", "read", "read", "read"), statesAtAlice());

        alice.crash();
        alice.open();
        loop.runUntilIdle();
        assertEquals(List.of("read", "read", "read", "read", "read"), statesAtAlice(), "the read mark survives a restart");
        assertEquals(new ConversationSignals.Switches(true, false), alice.messenger.signals().switchesOf(bob.id()));
    }

    @Test
    void markingUpToAMessageThatIsNotThePeersFails() {
        twoFriends();
        MessageRecord mine = settle(bob.messenger.send(alice.id(), "from bob"));
        CompletableFuture<ConversationSignals.Marked> marked = bob.messenger.signals().markRead(alice.id(),
                Optional.of(mine.id()));
        loop.advance(Duration.ofSeconds(1));
        CompletionException thrown = assertThrows(CompletionException.class, marked::join);
        assertEquals(MessagingException.Reason.NOT_FOUND,
                assertInstanceOf(MessagingException.class, thrown.getCause()).reason());
    }

    @Test
    void receiptsThatAreReplayedOrOutOfOrderNeverMoveTheMarkBack() {
        twoFriends();
        switchOn(alice, bob.id(), true, false);
        switchOn(bob, alice.id(), true, false);
        MessageRecord one = alice.send(bob.id(), "one");
        MessageRecord two = alice.send(bob.id(), "two");
        loop.advance(Duration.ofSeconds(1));

        sendsRaw(bob, alice.id(), readUpTo(two.id()));
        sendsRaw(bob, alice.id(), readUpTo(one.id()));
        sendsRaw(bob, alice.id(), readUpTo(two.id()));
        loop.advance(Duration.ofSeconds(1));
        assertEquals(List.of("read", "read"), statesAtAlice());
        assertEquals(1, readAtAlice.size(), "only the receipt that moved the mark is told");
    }

    @Test
    void aReceiptNamingAMessageOfAnotherConversationOrNoneIsIgnored() {
        twoFriends();
        MessagingNode mallory = new MessagingNode("mallory", loop, directory, RANDOM);
        MessagingNode.befriend(alice, mallory);
        MessagingNode.link(alice, mallory);
        loop.runUntilIdle();
        switchOn(alice, bob.id(), true, false);
        switchOn(alice, mallory.id(), true, false);
        switchOn(mallory, alice.id(), true, false);
        MessageRecord toBob = alice.send(bob.id(), "for bob only");
        alice.send(mallory.id(), "hello mallory");
        loop.advance(Duration.ofSeconds(1));

        sendsRaw(mallory, alice.id(), readUpTo(toBob.id()));
        sendsRaw(mallory, alice.id(), readUpTo(MessageId.random(RANDOM)));
        loop.advance(Duration.ofSeconds(1));

        assertEquals(List.of("delivered"), statesAtAlice(), "Mallory cannot mark what Alice sent Bob");
        assertTrue(readAtAlice.isEmpty());
        assertEquals(2L, alice.messenger.refusedFrom(mallory.id()).get("answer-to-nothing"));
    }

    @Test
    void receiptsAndTypingFromAStrangerAreIgnoredAndNoneGoToOne() {
        alice = new MessagingNode("alice", loop, directory, RANDOM);
        bob = new MessagingNode("bob", loop, directory, RANDOM);
        MessagingNode.link(alice, bob);
        loop.runUntilIdle();
        listen();
        // Bob added Alice and turned both on; Alice never added Bob: his messages are requests.
        settle(bob.messenger.addContact(alice.id(), "alice"));
        switchOn(bob, alice.id(), true, true);
        MessageRecord toBob = alice.send(bob.id(), "hi stranger");
        settle(bob.messenger.send(alice.id(), "a request"));

        settle(bob.messenger.signals().markRead(alice.id(), Optional.empty()));
        sendsRaw(bob, alice.id(), readUpTo(toBob.id()));
        sendsRaw(bob, alice.id(), typing(true));
        loop.advance(Duration.ofSeconds(1));
        assertEquals(List.of("delivered"), statesAtAlice());
        assertTrue(readAtAlice.isEmpty());
        assertTrue(typingAtAlice.isEmpty());

        ConversationSignals.Marked request = settle(alice.messenger.signals().markRead(bob.id(), Optional.empty()));
        assertTrue(request.upTo().isEmpty(), "a message request is never marked, so no receipt tells its sender");
        assertFalse(alice.messenger.signals().typing(bob.id(), true));
        CompletableFuture<ConversationSignals.Switches> refused = alice.messenger.signals()
                .setSwitches(bob.id(), Optional.of(true), Optional.empty());
        loop.runUntilIdle();
        CompletionException thrown = assertThrows(CompletionException.class, refused::join);
        assertEquals(MessagingException.Reason.WRONG_STATE,
                assertInstanceOf(MessagingException.class, thrown.getCause()).reason());
    }

    @Test
    void typingGoesOverALiveLinkOnlyThrottledAndIsNeverKept() {
        twoFriends();
        assertFalse(alice.messenger.signals().typing(bob.id(), true), "off by default");
        switchOn(alice, bob.id(), false, true);
        switchOn(bob, alice.id(), false, true);

        assertTrue(alice.messenger.signals().typing(bob.id(), true));
        loop.advance(Duration.ofSeconds(1));
        assertFalse(alice.messenger.signals().typing(bob.id(), true), "a second start within 3 s is not sent");
        loop.advance(TypingSignals.SEND_EVERY);
        assertTrue(alice.messenger.signals().typing(bob.id(), true));
        assertTrue(alice.messenger.signals().typing(bob.id(), false));
        assertFalse(alice.messenger.signals().typing(bob.id(), false), "a stop only after a start");
        loop.advance(Duration.ofSeconds(1));
        assertEquals(List.of(true, true, false), typingAtBob);

        MessagingNode.unlink(alice, bob);
        loop.runUntilIdle();
        int sentBefore = alice.sent.size();
        loop.advance(TypingSignals.SEND_EVERY);
        assertFalse(alice.messenger.signals().typing(bob.id(), true), "no link: nothing is sent");
        loop.advance(Duration.ofMinutes(5));
        assertEquals(sentBefore, alice.sent.size(), "nor kept for later, nor given to mailboxes");
        assertEquals(0, alice.messenger.outboxSize());
    }

    @Test
    void aTypingFloodIsThinnedAndTypingFromAContactWithItOffIsIgnored() {
        twoFriends();
        for (int i = 0; i < 20; i++) {
            sendsRaw(bob, alice.id(), typing(true));
        }
        loop.advance(Duration.ofSeconds(1));
        assertTrue(typingAtAlice.isEmpty(), "Alice did not turn typing on for Bob");

        switchOn(alice, bob.id(), false, true);
        for (int i = 0; i < 50; i++) {
            sendsRaw(bob, alice.id(), typing(true));
        }
        loop.advance(Duration.ofSeconds(1));
        assertEquals(List.of(true), typingAtAlice, "50 starts within half a second are told once");
        sendsRaw(bob, alice.id(), typing(false));
        sendsRaw(bob, alice.id(), typing(false));
        loop.advance(Duration.ofSeconds(1));
        assertEquals(Boolean.FALSE, typingAtAlice.get(typingAtAlice.size() - 1));
        assertEquals(1, typingAtAlice.stream().filter(active -> !active).count(), "one stop for one start");
    }
}
