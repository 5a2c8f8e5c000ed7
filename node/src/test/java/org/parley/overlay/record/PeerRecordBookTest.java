package org.parley.overlay.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.overlay.record.Records.HOUR;
import static org.parley.overlay.record.Records.NOW;
import static org.parley.overlay.record.Records.RANDOM;
import static org.parley.overlay.record.Records.record;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.link.Misbehaviour;
import org.parley.overlay.record.PeerRecordBook.Admission;

class PeerRecordBookTest {
    private final Identity alice = Identity.generate("alice", RANDOM);
    private final PeerRecordBook book = new PeerRecordBook(16);

    @Test
    void aFirstRecordIsAddedAndFound() throws Exception {
        PeerRecord first = record(alice, 1, NOW, HOUR, "192.0.2.1:7000");
        assertEquals(Admission.ADDED, book.offer(first, NOW));
        assertEquals(Optional.of(first), book.get(alice.peerId(), NOW));
    }

    @Test
    void aHigherSequenceReplacesTheHeldRecord() throws Exception {
        book.offer(record(alice, 1, NOW, HOUR, "192.0.2.1:7000"), NOW);
        PeerRecord moved = record(alice, 2, NOW + 1, HOUR, "192.0.2.2:7000");
        assertEquals(Admission.REPLACED, book.offer(moved, NOW + 1));
        assertEquals(Optional.of(moved), book.get(alice.peerId(), NOW + 1));
        assertEquals(1, book.size());
    }

    @Test
    void sequenceNumbersCompareUnsigned() throws Exception {
        book.offer(record(alice, Long.MAX_VALUE, NOW, HOUR), NOW);
        PeerRecord aboveSignedRange = record(alice, Long.MIN_VALUE, NOW, HOUR);
        assertEquals(Admission.REPLACED, book.offer(aboveSignedRange, NOW));
        assertEquals(Misbehaviour.STALE, assertThrows(PeerRecordException.class,
                () -> book.offer(record(alice, 1, NOW, HOUR), NOW)).rejection());
    }

    @Test
    void aReplayIsADuplicateAndChangesNothing() throws Exception {
        PeerRecord held = record(alice, 3, NOW, HOUR, "192.0.2.1:7000");
        book.offer(held, NOW);
        PeerRecord replayed = PeerRecord.decode(held.toProto().toByteArray(), NOW + 10);
        assertEquals(Admission.DUPLICATE, book.offer(replayed, NOW + 10));
        assertEquals(Optional.of(held), book.get(alice.peerId(), NOW + 10));
        assertEquals(1, book.size());
    }

    @Test
    void aLowerSequenceIsStale() throws Exception {
        PeerRecord held = record(alice, 5, NOW, HOUR, "192.0.2.1:7000");
        book.offer(held, NOW);
        PeerRecordException refusal = assertThrows(PeerRecordException.class,
                () -> book.offer(record(alice, 4, NOW + 1, HOUR, "192.0.2.9:7000"), NOW + 1));
        assertEquals(Misbehaviour.STALE, refusal.rejection());
        assertEquals(Optional.of(held), book.get(alice.peerId(), NOW + 1));
    }

    @Test
    void theSameSequenceOverDifferentContentIsStale() throws Exception {
        PeerRecord held = record(alice, 5, NOW, HOUR, "192.0.2.1:7000");
        book.offer(held, NOW);
        PeerRecordException refusal = assertThrows(PeerRecordException.class,
                () -> book.offer(record(alice, 5, NOW, HOUR, "192.0.2.9:7000"), NOW));
        assertEquals(Misbehaviour.STALE, refusal.rejection());
        assertEquals(Optional.of(held), book.get(alice.peerId(), NOW));
    }

    @Test
    void anExpiredRecordIsRefused() {
        PeerRecord record = record(alice, 1, NOW, HOUR);
        PeerRecordException refusal = assertThrows(PeerRecordException.class,
                () -> book.offer(record, NOW + HOUR));
        assertEquals(Misbehaviour.EXPIRED, refusal.rejection());
        assertEquals(0, book.size());
    }

    @Test
    void getDropsARecordOnceItExpires() throws Exception {
        book.offer(record(alice, 1, NOW, HOUR), NOW);
        assertTrue(book.get(alice.peerId(), NOW + HOUR - 1).isPresent());
        assertEquals(Optional.empty(), book.get(alice.peerId(), NOW + HOUR));
        assertEquals(0, book.size());
    }

    @Test
    void anExpiredRecordNoLongerBlocksAnOlderSequence() throws Exception {
        book.offer(record(alice, 9, NOW, HOUR), NOW);
        PeerRecord afterRestart = record(alice, 1, NOW + HOUR, HOUR);
        assertEquals(Admission.ADDED, book.offer(afterRestart, NOW + HOUR));
    }

    @Test
    void whenFullTheRecordClosestToExpiryMakesRoom() throws Exception {
        PeerRecordBook small = new PeerRecordBook(3);
        List<Identity> peers = new ArrayList<>();
        long[] lifetimes = {3 * HOUR, HOUR, 2 * HOUR, 4 * HOUR};
        for (long lifetime : lifetimes) {
            Identity peer = Identity.generate("peer", RANDOM);
            peers.add(peer);
            assertEquals(Admission.ADDED, small.offer(record(peer, 1, NOW, lifetime), NOW));
            assertTrue(small.size() <= 3);
        }
        assertEquals(3, small.size());
        assertEquals(Optional.empty(), small.get(peers.get(1).peerId(), NOW), "the one expiring first went");
        for (int kept : new int[] {0, 2, 3}) {
            assertTrue(small.get(peers.get(kept).peerId(), NOW).isPresent(), "peer " + kept + " kept");
        }
    }

    @Test
    void aFullBookStaysWithinItsBoundUnderManyPeers() throws Exception {
        PeerRecordBook small = new PeerRecordBook(8);
        for (int i = 0; i < 50; i++) {
            small.offer(record(Identity.generate("peer", RANDOM), 1, NOW, HOUR + i), NOW);
            assertTrue(small.size() <= 8);
        }
        assertEquals(8, small.size());
    }

    @Test
    void replacingARecordDoesNotEvictAnother() throws Exception {
        PeerRecordBook small = new PeerRecordBook(2);
        Identity bob = Identity.generate("bob", RANDOM);
        small.offer(record(alice, 1, NOW, HOUR), NOW);
        small.offer(record(bob, 1, NOW, 2 * HOUR), NOW);
        assertEquals(Admission.REPLACED, small.offer(record(alice, 2, NOW, 3 * HOUR), NOW));
        assertEquals(2, small.size());
        assertTrue(small.get(bob.peerId(), NOW).isPresent());
        assertEquals(2, small.get(alice.peerId(), NOW).orElseThrow().sequence());
    }

    @Test
    void aBookNeedsRoomForOneRecord() {
        assertThrows(IllegalArgumentException.class, () -> new PeerRecordBook(0));
    }
}
