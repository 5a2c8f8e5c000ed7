package org.parley.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.runtime.VirtualScheduler;

/** Direct messages between messengers on real SQLite files and a virtual loop. */
class MessengerTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path directory;

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);

    @Test
    void aMessageArrivesDecryptedAndTheSenderSeesItDelivered() {
        MessagingNode alice = node("alice");
        MessagingNode bob = node("bob");
        MessagingNode.link(alice, bob);
        loop.runUntilIdle();

        MessageRecord sent = alice.send(bob.id(), "hello bob");
        loop.advance(Duration.ofSeconds(1));

        List<MessageRecord> atBob = bob.history(alice.id());
        assertEquals(1, atBob.size());
        assertEquals("hello bob", atBob.get(0).text());
        assertEquals(sent.id(), atBob.get(0).id());
        assertEquals(MessageRecord.IN, atBob.get(0).direction());
        assertTrue(atBob.get(0).request(), "alice is not bob's contact: a message request");
        assertEquals(MessageRecord.PENDING, alice.history(bob.id()).get(0).state(), "not acknowledged to a stranger");

        bob.messenger.addContact(alice.id(), "alice");
        loop.advance(Duration.ofSeconds(1));
        List<MessageRecord> atAlice = alice.history(bob.id());
        assertEquals(MessageRecord.DELIVERED, atAlice.get(0).state());
        assertEquals(MessageRecord.DELIVERED, alice.updated.get(0).state());
    }

    @Test
    void messagesToAnUnreachablePeerWaitAndGoOutInOrderWhenItComes() {
        MessagingNode alice = node("alice");
        MessagingNode bob = node("bob");
        MessagingNode.befriend(alice, bob);
        for (int i = 0; i < 20; i++) {
            assertEquals(MessageRecord.PENDING, alice.send(bob.id(), "m" + i).state());
        }
        loop.advance(Duration.ofMinutes(5));
        assertTrue(bob.history(alice.id()).isEmpty());

        MessagingNode.link(alice, bob);
        loop.advance(Duration.ofSeconds(1));
        assertEquals(texts(20), bob.history(alice.id()).stream().map(MessageRecord::text).toList());
        assertTrue(alice.history(bob.id()).stream().allMatch(m -> m.state().equals(MessageRecord.DELIVERED)));
    }

    @Test
    void bothStartingASessionAtOnceConverge() {
        MessagingNode alice = node("alice");
        MessagingNode bob = node("bob");
        MessagingNode.befriend(alice, bob);
        MessagingNode.link(alice, bob);
        loop.runUntilIdle();
        MessagingNode.unlink(alice, bob);
        // Both know each other's bundle, neither has a session: both start one at the same moment.
        alice.send(bob.id(), "from alice");
        bob.send(alice.id(), "from bob");
        MessagingNode.link(alice, bob);
        loop.advance(Duration.ofSeconds(1));
        for (int round = 0; round < 5; round++) {
            alice.send(bob.id(), "a" + round);
            bob.send(alice.id(), "b" + round);
            loop.advance(Duration.ofSeconds(1));
        }
        assertEquals(12, bob.history(alice.id()).size());
        assertEquals(12, alice.history(bob.id()).size());
        assertTrue(alice.history(bob.id()).stream().filter(m -> m.direction().equals(MessageRecord.OUT))
                .allMatch(m -> m.state().equals(MessageRecord.DELIVERED)));
        assertTrue(alice.penalties.isEmpty() && bob.penalties.isEmpty(), "nothing refused on the way");
    }

    @Test
    void aRestartKeepsSessionsOutboxAndHistory() {
        MessagingNode alice = node("alice");
        MessagingNode bob = node("bob");
        MessagingNode.befriend(alice, bob);
        MessagingNode.link(alice, bob);
        alice.send(bob.id(), "before");
        loop.advance(Duration.ofSeconds(1));
        MessagingNode.unlink(alice, bob);
        alice.send(bob.id(), "while away");

        alice.crash();
        bob.crash();
        alice.open();
        bob.open();
        MessagingNode.link(alice, bob);
        loop.advance(Duration.ofSeconds(1));
        bob.send(alice.id(), "reply");
        loop.advance(Duration.ofSeconds(1));

        assertEquals(List.of("before", "while away"), bob.history(alice.id()).stream()
                .filter(m -> m.direction().equals(MessageRecord.IN)).map(MessageRecord::text).toList());
        assertEquals("reply", alice.history(bob.id()).get(2).text());
        assertTrue(alice.history(bob.id()).stream().filter(m -> m.direction().equals(MessageRecord.OUT))
                .allMatch(m -> m.state().equals(MessageRecord.DELIVERED)));
    }

    @Test
    void aLostReceiptMeansAResendThatIsNotStoredTwice() {
        MessagingNode alice = node("alice");
        MessagingNode bob = node("bob");
        MessagingNode.befriend(alice, bob);
        MessagingNode.link(alice, bob);
        loop.runUntilIdle();
        bob.dropping.add(alice.id()); // bob's receipts never arrive
        alice.send(bob.id(), "once");
        loop.advance(Duration.ofSeconds(1));
        bob.dropping.clear();
        loop.advance(MessagingConfig.defaults().retryInterval().multipliedBy(2));

        assertEquals(1, bob.history(alice.id()).size());
        assertEquals(MessageRecord.DELIVERED, alice.history(bob.id()).get(0).state());
    }

    @Test
    void contactsBlocksAndRequests() {
        MessagingNode alice = node("alice");
        MessagingNode bob = node("bob");
        MessagingNode.link(alice, bob);
        bob.messenger.addContact(alice.id(), "alice");
        loop.runUntilIdle();
        alice.send(bob.id(), "hi");
        loop.advance(Duration.ofSeconds(1));
        assertFalse(bob.history(alice.id()).get(0).request(), "from a contact: no request");

        bob.messenger.block(alice.id());
        loop.runUntilIdle();
        alice.send(bob.id(), "are you there?");
        loop.advance(Duration.ofSeconds(1));
        assertEquals(1, bob.history(alice.id()).size(), "a blocked peer's message is dropped");
        assertEquals(1L, bob.messenger.refusedFrom(alice.id()).get("blocked"));
        assertEquals("blocked", bob.messenger.contacts().get(0).status());
        assertThrows(CompletionException.class, () -> bob.send(alice.id(), "no"));
    }

    @Test
    void limitsAreCheckedAtSend() {
        MessagingNode alice = node("alice");
        MessagingNode bob = node("bob");
        MessagingException tooBig = assertThrows(MessagingException.class, () -> join(alice.messenger.send(bob.id(),
                "x".repeat(64 * 1024 + 1))));
        assertTrue(tooBig.getMessage().contains("limit is 65536"), tooBig.getMessage());
        alice.send(bob.id(), "x".repeat(64 * 1024));
        assertThrows(MessagingException.class, () -> join(alice.messenger.send(alice.id(), "me")));
        assertThrows(MessagingException.class, () -> join(alice.messenger.send(bob.id(), "")));
    }

    @Test
    void theDatabaseFileHoldsNoMessagePlaintext() throws Exception {
        MessagingNode alice = node("alice");
        MessagingNode bob = node("bob");
        MessagingNode.link(alice, bob);
        alice.send(bob.id(), "the-secret-rendezvous-point");
        bob.send(alice.id(), "another-confidential-reply");
        loop.advance(Duration.ofSeconds(1));
        alice.crash();
        bob.crash();
        for (MessagingNode node : List.of(alice, bob)) {
            for (Path file : List.of(node.databaseFile, Path.of(node.databaseFile + "-wal"))) {
                if (Files.exists(file)) {
                    String raw = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                    assertFalse(raw.contains("the-secret-rendezvous-point"), file.toString());
                    assertFalse(raw.contains("another-confidential-reply"), file.toString());
                }
            }
        }
    }

    @Test
    void noMoreEnvelopesThanTheWindowAreUnacknowledgedAtOnce() {
        MessagingConfig small = new MessagingConfig(64 * 1024, Duration.ofDays(7), Duration.ofMillis(20), 4,
                Duration.ofSeconds(1), Duration.ofSeconds(30), 10);
        MessagingNode alice = new MessagingNode("alice", loop, directory, RANDOM, small);
        MessagingNode bob = new MessagingNode("bob", loop, directory, RANDOM, small);
        MessagingNode.befriend(alice, bob);
        MessagingNode.link(alice, bob);
        loop.runUntilIdle();
        alice.dropping.add(bob.id());
        alice.sent.clear();
        for (int i = 0; i < 25; i++) {
            alice.send(bob.id(), "m" + i);
        }
        loop.advance(Duration.ofSeconds(1));
        assertEquals(10, envelopesSent(alice), "the window is full and nothing came back");

        alice.dropping.clear();
        loop.advance(Duration.ofSeconds(31));
        assertEquals(texts(25), bob.history(alice.id()).stream().map(MessageRecord::text).toList());
        assertTrue(alice.history(bob.id()).stream().allMatch(m -> m.state().equals(MessageRecord.DELIVERED)));
        assertEquals(35, envelopesSent(alice), "the lost window once more, then each message once");
    }

    @Test
    void aMessageStillBeingStoredWhenTheSessionStartsIsSealedAndSent() {
        MessagingNode alice = node("alice");
        MessagingNode bob = node("bob");
        MessagingNode.befriend(alice, bob);
        bob.dropping.add(alice.id());
        MessagingNode.link(alice, bob);
        loop.runUntilIdle();

        // Accepted without a session; bob's bundle arrives before the commit is reported.
        java.util.concurrent.CompletableFuture<MessageRecord> accepted = alice.messenger.send(bob.id(), "m0");
        alice.messenger.frameReceived(bob.id(), org.parley.proto.wire.v1.Frame.newBuilder()
                .setPrekeyBundle(bob.messenger.ownBundle()).build());
        bob.dropping.clear();
        loop.advance(Duration.ofSeconds(1));

        assertEquals(MessageRecord.PENDING, accepted.join().state());
        assertEquals(texts(1), bob.history(alice.id()).stream().map(MessageRecord::text).toList());
        assertEquals(MessageRecord.DELIVERED, alice.history(bob.id()).get(0).state());
    }

    @Test
    void aPeerThatKeepsStartingOverLeavesABoundedNumberOfSessions() {
        MessagingNode bob = node("bob");
        org.parley.identity.Identity alice = org.parley.identity.Identity.generate("alice", RANDOM);
        bob.messenger.addContact(alice.peerId(), "alice");
        int restarts = Sessions.MAX_PER_PEER + 4;
        MessagingNode fresh = null;
        for (int i = 0; i < restarts; i++) {
            // Each time alice has lost her state: a new database, so a new session start.
            fresh = new MessagingNode(alice, "alice-" + i, loop, directory, RANDOM, MessagingConfig.defaults());
            MessagingNode.link(fresh, bob);
            loop.runUntilIdle();
            fresh.send(bob.id(), "m" + i);
            loop.advance(Duration.ofSeconds(1));
            assertEquals(MessageRecord.DELIVERED, fresh.history(bob.id()).get(0).state(), "restart " + i);
            MessagingNode.unlink(fresh, bob);
        }
        assertEquals(texts(restarts), bob.history(alice.peerId()).stream().map(MessageRecord::text).toList());
        long stored = bob.database.inTransaction(connection -> org.parley.store.PeerRows.sessions(connection).stream()
                .filter(row -> row.peerId().equals(alice.peerId().toString())).count());
        assertEquals(Sessions.MAX_PER_PEER, stored, "the oldest sessions were deleted with the newest stored");

        bob.crash();
        bob.open();
        MessagingNode.link(fresh, bob);
        loop.runUntilIdle();
        fresh.send(bob.id(), "after bob's restart");
        loop.advance(Duration.ofSeconds(1));
        assertEquals("after bob's restart", bob.history(alice.peerId()).get(restarts).text(),
                "the newest session survived the bound and the restart");
    }

    @Test
    void thePrekeyIsReplacedWeeklyLinkedPeersLearnItAndOldStartsOpenUntilTheyMayNoLongerLive() {
        MessagingNode alice = node("alice");
        MessagingNode bob = node("bob");
        org.parley.proto.wire.v1.PrekeyBundle first = alice.messenger.ownBundle();
        MessagingNode.link(alice, bob);
        loop.runUntilIdle();

        loop.advance(PrekeyRotation.REPLACE_AFTER.plusMinutes(1));
        org.parley.proto.wire.v1.PrekeyBundle second = alice.messenger.ownBundle();
        assertEquals(first.getSignedPrekeyId() + 1, second.getSignedPrekeyId());
        assertTrue(alice.sent.stream().anyMatch(frame -> frame.getPrekeyBundle().equals(second)),
                "the linked peer was sent the new bundle");

        // Carol learned the old bundle before the change: her start on it still opens.
        MessagingNode carol = node("carol");
        carol.messenger.frameReceived(alice.id(), org.parley.proto.wire.v1.Frame.newBuilder()
                .setPrekeyBundle(first).build());
        MessagingNode.link(carol, alice);
        alice.dropping.add(carol.id()); // carol keeps the old bundle: alice's new one does not reach her
        loop.runUntilIdle();
        carol.send(alice.id(), "on the old prekey");
        loop.advance(Duration.ofSeconds(1));
        assertEquals("on the old prekey", alice.history(carol.id()).get(0).text());

        // Once an envelope made before the change could no longer be alive, the old prekey is gone, also after a restart.
        loop.advance(PrekeyRotation.KEEP_REPLACED_FOR);
        alice.crash();
        alice.open();
        long stored = alice.database.inTransaction(connection -> (long) org.parley.store.PeerRows.prekeys(connection)
                .stream().filter(row -> row.id() == first.getSignedPrekeyId()).count());
        assertEquals(0, stored);
        assertTrue(alice.messenger.ownBundle().getSignedPrekeyId() > second.getSignedPrekeyId(),
                "weeks went by: replaced again");
    }

    @Test
    void aBundleFromAPeerRecordSealsMessagesForAPeerNeverLinkedSoTheyCanBeRelayed() {
        MessagingNode alice = node("alice");
        MessagingNode bob = node("bob");
        alice.send(bob.id(), "m0");
        assertTrue(alice.messenger.awaitingRelay().isEmpty(), "no bundle, nothing sealed");

        org.parley.proto.wire.v1.PrekeyBundle forged = bob.messenger.ownBundle().toBuilder()
                .setSignedPrekeyId(bob.messenger.ownBundle().getSignedPrekeyId() + 1).build();
        alice.messenger.learnBundleFromRecord(bob.id(), forged);
        loop.runUntilIdle();
        assertTrue(alice.messenger.awaitingRelay().isEmpty(), "a bundle whose signature fails is ignored");
        assertTrue(alice.penalties.isEmpty(), "nobody to blame: the record was checked, the bundle inside is not");

        alice.messenger.learnBundleFromRecord(bob.id(), bob.messenger.ownBundle());
        loop.runUntilIdle();
        alice.send(bob.id(), "m1");
        assertEquals(List.of("m0", "m1"), alice.messenger.awaitingRelay().stream()
                .map(RelayItem::id).map(id -> alice.history(bob.id()).stream()
                        .filter(message -> message.id().equals(id)).findFirst().orElseThrow().text()).toList());

        MessagingNode.link(alice, bob);
        loop.advance(Duration.ofSeconds(1));
        assertEquals(texts(2), bob.history(alice.id()).stream().map(MessageRecord::text).toList());
    }

    @Test
    void messageRequestsListTheNewestFromEachStrangerUntilAcceptedOrBlocked() {
        MessagingNode alice = node("alice");
        MessagingNode bob = node("bob");
        MessagingNode carol = node("carol");
        MessagingNode.link(alice, bob);
        MessagingNode.link(carol, bob);
        loop.runUntilIdle();
        alice.send(bob.id(), "a1");
        alice.send(bob.id(), "a2");
        carol.send(bob.id(), "c1");
        loop.advance(Duration.ofSeconds(1));

        assertEquals(List.of("c1", "a2"), requests(bob));
        java.util.concurrent.CompletableFuture<ContactRecord> accepted = bob.messenger.addContact(alice.id(), "alice");
        loop.runUntilIdle();
        join(accepted);
        assertEquals(List.of("c1"), requests(bob), "accepting alice ends her request");
        java.util.concurrent.CompletableFuture<ContactRecord> blocked = bob.messenger.block(carol.id());
        loop.runUntilIdle();
        join(blocked);
        assertTrue(requests(bob).isEmpty(), "a blocked peer's request is not listed");
    }

    private static List<String> requests(MessagingNode node) {
        java.util.concurrent.CompletableFuture<List<MessageRecord>> requests = node.messenger.messageRequests(10);
        node.loop.runUntilIdle();
        return requests.join().stream().map(MessageRecord::text).toList();
    }

    private static long envelopesSent(MessagingNode node) {
        return node.sent.stream().filter(org.parley.proto.wire.v1.Frame::hasEnvelope).count();
    }

    private static <T> T join(java.util.concurrent.CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw (RuntimeException) e.getCause();
        }
    }

    private static List<String> texts(int count) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            texts.add("m" + i);
        }
        return texts;
    }

    private MessagingNode node(String name) {
        return new MessagingNode(name, loop, directory, RANDOM);
    }
}
