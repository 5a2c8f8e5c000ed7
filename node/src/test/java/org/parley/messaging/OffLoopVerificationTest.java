package org.parley.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.WireEnvelope;
import org.parley.proto.wire.v1.Frame;
import org.parley.runtime.KeyedLanes;
import org.parley.runtime.VirtualScheduler;

/**
 * Bob checks envelope signatures on a worker, as the real node does, here a queue the test runs
 * by hand, so that the loop goes on with other work while envelopes wait to be checked. The
 * messenger's guarantees hold all the same: nothing is done with an envelope before it verifies,
 * one sender's messages keep their order, a replay is stored once, a forgery is refused and
 * scored, and what is dropped because the worker is behind is resent, not lost.
 */
class OffLoopVerificationTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path directory;

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    /** The worker's queue: tasks run one at a time, oldest first, when the test says so. */
    private final ArrayDeque<Runnable> worker = new ArrayDeque<>();
    private final PeerId mallory = Identity.generate("mallory", RANDOM).peerId();
    private OffLoopEnvelopeVerifier verifier;

    @Test
    void messagesVerifiedOffTheLoopKeepTheirOrder() {
        MessagingNode alice = new MessagingNode("alice", loop, directory, RANDOM);
        MessagingNode bob = bobCheckingOffTheLoop(OffLoopEnvelopeVerifier.MAX_WAITING);
        MessagingNode.befriend(alice, bob);
        MessagingNode.link(alice, bob);
        settle();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            sent.add("message " + i);
            alice.messenger.send(bob.id(), "message " + i);
        }
        loop.runUntilIdle();
        assertFalse(worker.isEmpty(), "envelopes wait for the worker while the loop is idle");
        assertTrue(bob.added.isEmpty(), "nothing is taken in before it is verified");
        settle();

        assertEquals(sent, bob.added.stream().map(MessageRecord::text).toList());
        assertEquals(sent, bob.history(alice.id()).stream().map(MessageRecord::text).toList());
        assertEquals(30, alice.updated.stream().filter(update -> update.state().equals(MessageRecord.DELIVERED))
                .count(), "every receipt came back");
        assertTrue(bob.penalties.isEmpty());
    }

    @Test
    void withTheVirtualLoopAsItsWorkerAsInTheSimulatorChecksStillGoThroughTheHandOffInOrder() {
        MessagingNode alice = new MessagingNode("alice", loop, directory, RANDOM);
        MessagingNode bob = new MessagingNode("bob", loop, directory, RANDOM);
        MessagingNode.befriend(alice, bob);
        List<String> handedOver = new ArrayList<>();
        bob.messenger.verifyEnvelopesWith(new OffLoopEnvelopeVerifier(task -> {
            handedOver.add("check");
            loop.execute(task);
        }, loop));
        MessagingNode.link(alice, bob);
        loop.runUntilIdle();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sent.add("message " + i);
            alice.messenger.send(bob.id(), "message " + i);
        }
        loop.runUntilIdle();

        assertFalse(handedOver.isEmpty(), "the envelopes went through the hand-off");
        assertEquals(sent, bob.added.stream().map(MessageRecord::text).toList());
        assertTrue(bob.penalties.isEmpty());
    }

    @Test
    void aFloodFromOneNeighbourNeitherStarvesNorCrowdsOutAnother() {
        MessagingNode alice = new MessagingNode("alice", loop, directory, RANDOM);
        MessagingNode bob = bobCheckingOffTheLoop(new KeyedLanes.Bounds(OffLoopEnvelopeVerifier.TURN, 100,
                Long.MAX_VALUE, 1000, Long.MAX_VALUE));
        MessagingNode.befriend(alice, bob);
        WireEnvelope genuine = capturedEnvelope(alice, bob);
        for (int i = 0; i < 150; i++) {
            loop.execute(() -> bob.messenger.frameReceived(mallory, Frame.newBuilder().setEnvelope(genuine).build()));
        }
        loop.runUntilIdle();
        assertEquals(100, verifier.waiting(mallory), "past its own bound the flood is dropped unread");
        alice.dropping.remove(bob.id());
        alice.messenger.send(bob.id(), "hello");
        loop.runUntilIdle();
        assertEquals(1, verifier.waiting(alice.id()), "alice's envelope got in beside the flood");

        worker.poll().run(); // one turn of mallory's lane
        loop.runUntilIdle();
        worker.poll().run(); // then alice's, before mallory's next turn
        loop.runUntilIdle();
        assertTrue(bob.added.stream().anyMatch(message -> message.text().equals("hello")),
                "alice's message was taken in after one turn of the flood");
        assertEquals(100 - OffLoopEnvelopeVerifier.TURN, verifier.waiting(mallory), "the flood still waits");
        settle();
        assertEquals(List.of("genuine", "hello"), bob.history(alice.id()).stream().map(MessageRecord::text).sorted()
                .toList(), "each stored once");
        assertEquals(99L, bob.messenger.refusedFrom(mallory).get("replayed"));
    }

    @Test
    void aReplayWaitingBesideItsOriginalIsStoredOnce() {
        MessagingNode alice = new MessagingNode("alice", loop, directory, RANDOM);
        MessagingNode bob = bobCheckingOffTheLoop(OffLoopEnvelopeVerifier.MAX_WAITING);
        MessagingNode.befriend(alice, bob);
        WireEnvelope genuine = capturedEnvelope(alice, bob);
        deliverFromMallory(bob, genuine);
        deliverFromMallory(bob, genuine);
        assertEquals(2, verifier.waiting(mallory), "both copies wait for the worker");
        settle();

        assertEquals(1, bob.history(alice.id()).size());
        assertEquals(1L, bob.messenger.refusedFrom(mallory).get("replayed"));
        assertTrue(bob.penalties.get(mallory) > 0);
    }

    @Test
    void aForgedEnvelopeIsRefusedAndScoredOnlyOnceChecked() {
        MessagingNode alice = new MessagingNode("alice", loop, directory, RANDOM);
        MessagingNode bob = bobCheckingOffTheLoop(OffLoopEnvelopeVerifier.MAX_WAITING);
        MessagingNode.befriend(alice, bob);
        WireEnvelope genuine = capturedEnvelope(alice, bob);
        byte[] signature = genuine.getSignature().toByteArray();
        signature[3] ^= 1;
        deliverFromMallory(bob, genuine.toBuilder().setSignature(ByteString.copyFrom(signature)).build());
        assertTrue(bob.messenger.refusedFrom(mallory).isEmpty(), "not judged before the check");
        settle();

        assertEquals(1L, bob.messenger.refusedFrom(mallory).get("forged"));
        assertTrue(bob.penalties.get(mallory) > 0, "scored down");
        assertTrue(bob.history(alice.id()).isEmpty(), "nothing stored");
        deliverFromMallory(bob, genuine);
        settle();
        assertEquals(1, bob.history(alice.id()).size(), "the forgery did not disturb the session");
    }

    @Test
    void envelopesDroppedWhileTheWorkerIsBehindAreResentAndArriveInOrder() {
        MessagingNode alice = new MessagingNode("alice", loop, directory, RANDOM);
        MessagingNode bob = bobCheckingOffTheLoop(2);
        MessagingNode.befriend(alice, bob);
        MessagingNode.link(alice, bob);
        settle();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sent.add("message " + i);
            alice.messenger.send(bob.id(), "message " + i);
        }
        loop.runUntilIdle();
        assertEquals(2, verifier.waiting(), "the rest were dropped unread");
        settle();
        assertEquals(sent.subList(0, 2), bob.added.stream().map(MessageRecord::text).toList());

        for (int round = 0; round < 3; round++) {
            loop.advance(alice.config.retryInterval());
            settle();
        }
        assertEquals(sent, bob.history(alice.id()).stream().map(MessageRecord::text).toList());
        assertTrue(bob.penalties.isEmpty(), "being behind is not the sender's fault");
    }

    @Test
    void relayedMailDroppedWhileTheWorkerIsBehindIsNotReportedTaken() {
        MessagingNode alice = new MessagingNode("alice", loop, directory, RANDOM);
        MessagingNode bob = bobCheckingOffTheLoop(1);
        MessagingNode.befriend(alice, bob);
        WireEnvelope genuine = capturedEnvelope(alice, bob);
        CompletableFuture<Void> first = bob.messenger.takeRelayed(mallory, genuine);
        CompletableFuture<Void> second = bob.messenger.takeRelayed(mallory, genuine);
        assertTrue(second.isCompletedExceptionally(), "the replica must keep what was not taken");
        assertFalse(first.isDone(), "taken only once checked and committed");
        settle();
        assertTrue(first.isDone() && !first.isCompletedExceptionally());
        assertEquals(1, bob.history(alice.id()).size());
    }

    private MessagingNode bobCheckingOffTheLoop(int maxWaiting) {
        return bobCheckingOffTheLoop(new KeyedLanes.Bounds(OffLoopEnvelopeVerifier.TURN, maxWaiting, Long.MAX_VALUE,
                maxWaiting, Long.MAX_VALUE));
    }

    private MessagingNode bobCheckingOffTheLoop(KeyedLanes.Bounds bounds) {
        MessagingNode bob = new MessagingNode("bob", loop, directory, RANDOM);
        verifier = new OffLoopEnvelopeVerifier(worker::add, loop, bounds);
        bob.messenger.verifyEnvelopesWith(verifier);
        return bob;
    }

    /** An envelope alice sealed for bob, which never reached him. */
    private WireEnvelope capturedEnvelope(MessagingNode alice, MessagingNode bob) {
        MessagingNode.link(alice, bob);
        settle();
        alice.dropping.add(bob.id());
        alice.send(bob.id(), "genuine");
        settle();
        return alice.sent.stream().filter(Frame::hasEnvelope).reduce((first, second) -> second).orElseThrow()
                .getEnvelope();
    }

    private void deliverFromMallory(MessagingNode bob, WireEnvelope envelope) {
        loop.execute(() -> bob.messenger.frameReceived(mallory, Frame.newBuilder().setEnvelope(envelope).build()));
        loop.runUntilIdle();
    }

    /** Runs the worker one task at a time, with the loop catching up after each, until both are idle. */
    private void settle() {
        loop.runUntilIdle();
        while (!worker.isEmpty()) {
            worker.poll().run();
            loop.runUntilIdle();
        }
    }
}
