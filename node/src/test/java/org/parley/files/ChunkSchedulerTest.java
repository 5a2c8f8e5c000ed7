package org.parley.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.parley.identity.PeerId;

class ChunkSchedulerTest {
    private static final PeerId A = peer(1);
    private static final PeerId B = peer(2);
    private static final PeerId C = peer(3);

    private static PeerId peer(int n) {
        byte[] key = new byte[32];
        key[0] = (byte) n;
        return PeerId.fromPublicKey(key);
    }

    private static BitSet chunks(int... indexes) {
        BitSet bits = new BitSet();
        for (int index : indexes) {
            bits.set(index);
        }
        return bits;
    }

    private static BitSet range(int from, int to) {
        BitSet bits = new BitSet();
        bits.set(from, to);
        return bits;
    }

    @Test
    void theRarestChunksAreAskedForFirst() {
        ChunkScheduler scheduler = new ChunkScheduler(6, new BitSet(), 1, 1000);
        scheduler.holderHas(A, range(0, 6));
        scheduler.holderHas(B, range(0, 5));
        scheduler.holderHas(C, chunks(0, 1, 2, 3));
        // Chunk 5 only A holds, chunk 4 A and B: those go first, each to a holder that has it.
        List<ChunkScheduler.Request> first = scheduler.next(0);
        Map<PeerId, Integer> asked = new HashMap<>();
        first.forEach(request -> asked.put(request.holder(), request.index()));
        assertEquals(5, asked.get(A));
        assertEquals(4, asked.get(B));
        assertEquals(0, asked.get(C), "among equally rare chunks the lowest index");
    }

    @Test
    void severalHoldersAreAskedAtOnceEachWithinItsWindow() {
        ChunkScheduler scheduler = new ChunkScheduler(100, new BitSet(), 4, 1000);
        scheduler.holderHas(A, range(0, 100));
        scheduler.holderHas(B, range(0, 100));
        scheduler.holderHas(C, range(0, 100));
        List<ChunkScheduler.Request> requests = scheduler.next(0);
        assertEquals(12, requests.size());
        Map<PeerId, Integer> perHolder = new HashMap<>();
        Set<Integer> indexes = new HashSet<>();
        for (ChunkScheduler.Request request : requests) {
            perHolder.merge(request.holder(), 1, Integer::sum);
            assertTrue(indexes.add(request.index()), "no chunk asked twice");
        }
        assertEquals(Map.of(A, 4, B, 4, C, 4), perHolder);
        assertTrue(scheduler.next(0).isEmpty(), "windows full");
        scheduler.received(requests.get(0).index());
        assertEquals(1, scheduler.next(0).size(), "an answer frees one place");
    }

    @Test
    void aBadHolderIsExcludedAndItsChunksAreAskedOfAnother() {
        ChunkScheduler scheduler = new ChunkScheduler(2, new BitSet(), 2, 1000);
        scheduler.holderHas(A, range(0, 2));
        List<ChunkScheduler.Request> fromA = scheduler.next(0);
        assertEquals(2, fromA.size());
        scheduler.exclude(A);
        scheduler.holderHas(A, range(0, 2));
        assertFalse(scheduler.knowsHolder(A), "an excluded holder's word is not taken again");
        assertTrue(scheduler.next(0).isEmpty(), "nobody else holds it yet");
        scheduler.holderHas(B, range(0, 2));
        List<ChunkScheduler.Request> fromB = scheduler.next(1);
        assertEquals(2, fromB.size());
        assertTrue(fromB.stream().allMatch(request -> request.holder().equals(B)));
    }

    @Test
    void unansweredRequestsExpireAndGoElsewhere() {
        ChunkScheduler scheduler = new ChunkScheduler(1, new BitSet(), 1, 1000);
        scheduler.holderHas(A, range(0, 1));
        assertEquals(A, scheduler.next(0).get(0).holder());
        scheduler.holderHas(B, range(0, 1));
        assertTrue(scheduler.next(500).isEmpty(), "still in flight at A");
        assertTrue(scheduler.expire(999).isEmpty());
        assertEquals(1, scheduler.expire(1000).size());
        List<ChunkScheduler.Request> again = scheduler.next(1000);
        assertEquals(1, again.size());
    }

    @Test
    void aMissingAnswerClearsThatChunkFromTheHolderAndAHolderThatLeftTakesItsRequestsAlong() {
        ChunkScheduler scheduler = new ChunkScheduler(3, new BitSet(), 3, 1000);
        scheduler.holderHas(A, range(0, 3));
        scheduler.next(0);
        scheduler.failed(A, 1);
        assertFalse(scheduler.awaiting(A, 1));
        assertTrue(scheduler.next(0).isEmpty(), "A said it lacks chunk 1; 0 and 2 are still out");
        scheduler.holderGone(A);
        assertEquals(0, scheduler.inFlightCount());
        assertFalse(scheduler.hasHolders());
    }

    @Test
    void chunksHeldBeforeAreNeverAskedForAndABitmapLongerThanTheFileIsCut() {
        ChunkScheduler scheduler = new ChunkScheduler(4, chunks(0, 2), 8, 1000);
        scheduler.holderHas(A, range(0, 64));
        List<ChunkScheduler.Request> requests = scheduler.next(0);
        assertEquals(Set.of(1, 3), Set.copyOf(requests.stream().map(ChunkScheduler.Request::index).toList()));
        scheduler.received(1);
        scheduler.received(3);
        assertTrue(scheduler.complete());
    }
}
