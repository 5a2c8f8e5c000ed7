package org.parley.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.proto.wire.v1.WireEnvelope;
import org.parley.proto.wire.v1.Frame;
import org.parley.runtime.VirtualScheduler;

/** What the messenger offers the mailbox layer: the relayed state, relayed mail, receipts carried. */
class RelayStatesTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path directory;

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);

    /** Alice and bob know each other's bundles; bob is away now. */
    private MessagingNode[] awayPair() {
        MessagingNode alice = new MessagingNode("alice", loop, directory, RANDOM);
        MessagingNode bob = new MessagingNode("bob", loop, directory, RANDOM);
        MessagingNode.befriend(alice, bob);
        MessagingNode.link(alice, bob);
        loop.runUntilIdle();
        MessagingNode.unlink(alice, bob);
        return new MessagingNode[] {alice, bob};
    }

    @Test
    void aRelayedMessageStaysRelayedAcrossARestartAndIsNotOfferedAgain() {
        MessagingNode[] pair = awayPair();
        MessagingNode alice = pair[0];
        MessagingNode bob = pair[1];
        MessageRecord sent = alice.send(bob.id(), "while you were out");
        List<RelayItem> waiting = alice.messenger.awaitingRelay();
        assertEquals(1, waiting.size());
        assertEquals(bob.id(), waiting.get(0).recipient());

        alice.messenger.relayed(bob.id(), sent.id(), 3);
        loop.runUntilIdle();
        assertEquals(MessageRecord.RELAYED, alice.updated.get(0).state());
        assertEquals(3, alice.updated.get(0).replicas());
        assertTrue(alice.messenger.awaitingRelay().isEmpty());

        alice.crash();
        alice.open();
        MessageRecord stored = alice.history(bob.id()).get(0);
        assertEquals(MessageRecord.RELAYED, stored.state());
        assertEquals(3, stored.replicas());
        assertTrue(alice.messenger.awaitingRelay().isEmpty(), "held by replicas: not offered again");
        assertEquals(1, alice.messenger.relayedCount());
        assertTrue(alice.messenger.bytesHeldByReplicas() > 3 * 100);
    }

    @Test
    void aReplicasLateWordDoesNotUndoDelivered() {
        MessagingNode[] pair = awayPair();
        MessagingNode alice = pair[0];
        MessagingNode bob = pair[1];
        MessageRecord sent = alice.send(bob.id(), "quick");
        MessagingNode.link(alice, bob);
        loop.advance(Duration.ofSeconds(1));
        alice.messenger.relayed(bob.id(), sent.id(), 2);
        loop.runUntilIdle();
        assertEquals(MessageRecord.DELIVERED, alice.history(bob.id()).get(0).state());
        assertEquals(List.of(MessageRecord.DELIVERED),
                alice.updated.stream().map(MessageRecord::state).toList());
    }

    @Test
    void relayedMailTakenTwiceShowsOnceCostsTheReplicaNothingAndItsReceiptTravelsBackByMailbox() {
        MessagingNode[] pair = awayPair();
        MessagingNode alice = pair[0];
        MessagingNode bob = pair[1];
        alice.send(bob.id(), "hold this");
        WireEnvelope envelope = alice.messenger.awaitingRelay().get(0).envelope();
        List<WireEnvelope> carried = new ArrayList<>();
        bob.messenger.carryOfflineWith((peer, carriedEnvelope) -> carried.add(carriedEnvelope));
        MessagingNode replica = new MessagingNode("replica", loop, directory, RANDOM);

        CompletableFuture<Void> first = bob.messenger.takeRelayed(replica.id(), envelope);
        CompletableFuture<Void> second = bob.messenger.takeRelayed(replica.id(), envelope);
        loop.advance(Duration.ofSeconds(2));
        assertTrue(first.isDone() && second.isDone());
        assertEquals(List.of("hold this"), bob.history(alice.id()).stream().map(MessageRecord::text).toList());
        assertEquals(0.0, bob.penalties.getOrDefault(replica.id(), 0.0), "a second copy from a replica is no replay");

        // Alice is away too: bob's receipt goes to her mailbox; taken in there, it confirms delivery.
        assertTrue(carried.size() >= 1);
        alice.messenger.takeRelayed(replica.id(), carried.get(0));
        loop.runUntilIdle();
        assertEquals(MessageRecord.DELIVERED, alice.history(bob.id()).get(0).state());
        assertTrue(bob.sent.stream().noneMatch(Frame::hasEnvelope), "nothing went on a link bob does not have");
    }
}
