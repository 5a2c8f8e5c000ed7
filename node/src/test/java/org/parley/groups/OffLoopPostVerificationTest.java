package org.parley.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.identity.Identity;
import org.parley.link.Misbehaviour;

/**
 * Posts parsed and their signatures checked off the loop ({@link OffLoopPostVerifier}): the loop
 * is free while a check waits, and what the group layer takes in, refuses and in which order is
 * what it was with the checks on the loop.
 */
class OffLoopPostVerificationTest {
    @TempDir
    Path folder;

    private final Identity alice = Identity.generate("alice", GroupParts.RANDOM);
    private final Identity carol = Identity.generate("carol", GroupParts.RANDOM);
    private GroupParts parts;
    private ExecutorService pool;

    @AfterEach
    void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
        parts.close();
    }

    private SenderKey alicesKeyHeldBy(GroupState state) throws GroupException {
        SenderKey key = SenderKey.generate(GroupParts.RANDOM);
        state.putKey(alice.peerId(), SenderKey.received(key.keyId(), key.iteration(), key.chainKey()));
        return key;
    }

    @Test
    void theLoopRunsOnWhileAPostsCheckWaitsForItsWorker() throws Exception {
        pool = Executors.newSingleThreadExecutor();
        LinkedBlockingQueue<Runnable> handedBack = new LinkedBlockingQueue<>();
        // The loop here is the test thread: outcomes handed back wait in a queue until it takes them.
        parts = new GroupParts(folder, new OffLoopPostVerifier(pool, handedBack::add));
        GroupState state = parts.group(alice, List.of(parts.me, carol));
        SenderKey key = alicesKeyHeldBy(state);
        byte[] post = parts.post(state, key, "hello", 1, List.of());
        CountDownLatch workerBusy = new CountDownLatch(1);
        pool.execute(() -> {
            try {
                workerBusy.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        parts.posts.receive(state, post, null, false);
        List<String> ranOnTheLoop = new ArrayList<>();
        parts.loop.execute(() -> ranOnTheLoop.add("other work"));
        parts.loop.runUntilIdle();

        assertEquals(List.of("other work"), ranOnTheLoop, "the loop's other work ran while the post's check waited");
        assertTrue(parts.added.isEmpty(), "nothing is taken in before its check");
        assertTrue(handedBack.isEmpty());

        workerBusy.countDown();
        handedBack.take().run();
        parts.loop.runUntilIdle();

        assertEquals(List.of("hello"), parts.added.stream().map(GroupMessageRecord::text).toList());
    }

    @Test
    void postsAreTakenInInOrderAndAForgedOneIsDroppedAndScoredAsOnTheLoop() throws GroupException {
        ArrayDeque<Runnable> workers = new ArrayDeque<>();
        GroupParts[] built = new GroupParts[1];
        parts = new GroupParts(folder, new OffLoopPostVerifier(workers::add, task -> built[0].loop.execute(task)));
        built[0] = parts;
        GroupState state = parts.group(alice, List.of(parts.me, carol));
        SenderKey key = alicesKeyHeldBy(state);
        byte[] first = parts.post(state, key, "first", 1, List.of());
        byte[] forged = parts.post(state, key, "forged", 2, List.of(GroupParts.entryId(first)));
        forged[forged.length - 1] ^= 1; // the signature is the post's last field
        byte[] second = parts.post(state, key, "second", 2, List.of(GroupParts.entryId(first)));

        parts.posts.receive(state, first, carol.peerId(), true);
        parts.posts.receive(state, forged, carol.peerId(), true);
        parts.posts.receive(state, second, carol.peerId(), true);
        parts.loop.runUntilIdle();
        assertTrue(parts.added.isEmpty(), "no check has run yet");

        while (!workers.isEmpty()) {
            workers.poll().run();
            parts.loop.runUntilIdle();
        }

        assertEquals(List.of("first", "second"), parts.added.stream().map(GroupMessageRecord::text).toList());
        assertEquals(Map.of("forged", 1L), parts.directory.refusedIn(state.id));
        assertEquals(Map.of(carol.peerId(), Misbehaviour.FORGED.penalty()), parts.links.penalties());
    }
}
