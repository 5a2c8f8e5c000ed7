package org.parley.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The log's heads, gaps and order on hand-built histories. */
class GroupLogTest {
    private static ByteString id(int n) {
        byte[] bytes = new byte[32];
        bytes[31] = (byte) n;
        return ByteString.copyFrom(bytes);
    }

    private static GroupLog.Entry entry(int n, long lamport, int... parents) {
        List<ByteString> links = new ArrayList<>();
        for (int parent : parents) {
            links.add(id(parent));
        }
        return new GroupLog.Entry(id(n), lamport, links);
    }

    @Test
    void concurrentPostsAreBothHeadsAndTheNextPostLinksBoth() {
        GroupLog log = new GroupLog();
        log.add(entry(1, 1));
        log.add(entry(2, 2, 1));
        log.add(entry(3, 2, 1));
        assertEquals(Set.copyOf(List.of(id(2), id(3))), Set.copyOf(log.heads()));
        assertEquals(3, log.nextLamport());
        log.add(entry(4, 3, 2, 3));
        assertEquals(List.of(id(4)), log.heads());
        assertTrue(log.missing().isEmpty());
    }

    @Test
    void aLinkToAnEntryNotHeldIsAGapUntilItArrives() {
        GroupLog log = new GroupLog();
        log.add(entry(1, 1));
        log.add(entry(4, 4, 3));
        assertEquals(Set.of(id(3)), log.missing());
        log.add(entry(3, 3, 2));
        assertEquals(Set.of(id(2)), log.missing());
        log.addOpaque(id(2));
        assertTrue(log.missing().isEmpty(), "an entry held as unreadable ciphertext closes the gap");
        assertEquals(List.of(id(4)), log.heads().subList(0, 1));
    }

    @Test
    void displayOrderIsTheSameWhateverOrderEntriesArrivedIn() {
        List<GroupLog.Entry> entries = List.of(entry(1, 1), entry(2, 2, 1), entry(3, 2, 1), entry(9, 2, 1),
                entry(4, 3, 2, 3, 9), entry(5, 4, 4), entry(6, 4, 4));
        List<ByteString> expected = List.of(id(1), id(2), id(3), id(9), id(4), id(5), id(6));
        Random random = new Random(7);
        for (int run = 0; run < 20; run++) {
            List<GroupLog.Entry> shuffled = new ArrayList<>(entries);
            Collections.shuffle(shuffled, random);
            GroupLog log = new GroupLog();
            shuffled.forEach(log::add);
            assertEquals(expected, log.ordered().stream().map(GroupLog.Entry::id).toList());
            assertEquals(Set.of(id(5), id(6)), Set.copyOf(log.heads()));
        }
    }

    @Test
    void aNewPostLinksAtMostSixteenHeads() {
        GroupLog log = new GroupLog();
        for (int i = 1; i <= 40; i++) {
            log.add(entry(i, 1));
        }
        assertEquals(GroupLog.MAX_PARENTS, log.heads().size());
        assertEquals(id(40), log.heads().get(0), "the newest heads first");
    }

    @Test
    void theNextNumberIsOneAboveTheLargestHeadItLinksTo() {
        GroupLog log = new GroupLog();
        assertEquals(1, log.nextLamport(), "an empty log starts at 1");
        log.add(entry(1, 9));
        // Taken in before its parent 1 was held, when only a lower bound could be checked.
        log.add(entry(2, 3, 1));
        assertEquals(List.of(id(2)), log.heads());
        assertEquals(4, log.nextLamport(), "a new post links to 2 alone, so it is numbered after 2");
        assertEquals(9, log.lamportOf(id(1)).getAsLong());
        assertTrue(log.lamportOf(id(3)).isEmpty());
    }
}
