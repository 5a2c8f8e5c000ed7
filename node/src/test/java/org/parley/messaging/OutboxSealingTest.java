package org.parley.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.proto.wire.v1.Frame;
import org.parley.runtime.VirtualScheduler;
import org.parley.store.Database;
import org.parley.store.StorageQueue;

/**
 * The envelope of an outbox item is signed with its storage work, after the ratchet step: while
 * that work waits, the item must count as sealed, or the next flush would run it through the
 * ratchet again and send a second envelope.
 */
class OutboxSealingTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path directory;

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);

    @Test
    void anItemWhoseStorageIsPendingIsNotSealedAgainByTheNextFlush() {
        MessagingNode alice = new MessagingNode("alice", loop, directory, RANDOM);
        MessagingNode bob = new MessagingNode("bob", loop, directory, RANDOM);
        MessagingNode.befriend(alice, bob);
        HeldStorage held = new HeldStorage();
        alice.storageWrapper = held::wrap;
        alice.messenger.stop();
        alice.database.close();
        alice.open();
        alice.send(bob.id(), "waiting for a session");
        assertEquals(0, held.waiting(), "stored at once while nothing is held");

        held.holding = true;
        MessagingNode.link(alice, bob);
        loop.runUntilIdle();
        int waitingAfterSealing = held.waiting();
        assertTrue(waitingAfterSealing > 0, "sealed once bob's bundle came, its storage waits");
        loop.advance(alice.config.retryInterval()); // the periodic flush runs meanwhile
        alice.messenger.peerConnected(new org.parley.link.PeerInfo(bob.id(), "b",
                org.parley.link.Direction.OUTBOUND, 0, "test")); // and a flush of everything
        loop.runUntilIdle();
        assertEquals(waitingAfterSealing, held.waiting(), "no flush sealed it again (each seal is stored)");
        held.holding = false;
        held.releaseAll();
        loop.advance(java.time.Duration.ofSeconds(1));

        long envelopes = alice.sent.stream().filter(Frame::hasEnvelope).map(Frame::getEnvelope)
                .map(envelope -> envelope.getPayload()).distinct().count();
        assertEquals(1, envelopes, "one envelope, however often it was sent");
        assertEquals(1, bob.history(alice.id()).size());
        assertEquals(MessageRecord.DELIVERED, alice.history(bob.id()).get(0).state());
        assertTrue(bob.messenger.refusedFrom(alice.id()).isEmpty(), "nothing refused: "
                + bob.messenger.refusedFrom(alice.id()));
    }

    /** A storage queue whose work waits, while {@code holding}, until released in order. */
    private static final class HeldStorage {
        private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
        boolean holding;

        StorageQueue wrap(StorageQueue inner) {
            return new StorageQueue() {
                @Override
                public <T> CompletableFuture<T> submit(Database.Work<T> work) {
                    if (!holding) {
                        return inner.submit(work);
                    }
                    CompletableFuture<T> result = new CompletableFuture<>();
                    waiting.add(() -> inner.submit(work).whenComplete((value, error) -> {
                        if (error != null) {
                            result.completeExceptionally(error);
                        } else {
                            result.complete(value);
                        }
                    }));
                    return result;
                }
            };
        }

        int waiting() {
            return waiting.size();
        }

        void releaseAll() {
            while (!waiting.isEmpty()) {
                waiting.poll().run();
            }
        }
    }
}
