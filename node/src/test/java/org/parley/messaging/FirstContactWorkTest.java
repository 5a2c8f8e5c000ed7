package org.parley.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.runtime.VirtualScheduler;

/**
 * The cost of a first contact (finding 5 of issue 16): a peer that is not our contact must have
 * done the proof of work we ask for, or its message is refused before the ratchet or the history
 * sees it. Contacts are not asked.
 */
class FirstContactWorkTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int BOBS_PRICE = 16;

    @TempDir
    Path directory;

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);

    private MessagingNode node(String name) {
        return new MessagingNode(name, loop, directory, RANDOM);
    }

    private List<String> textsAt(MessagingNode node, MessagingNode from) {
        return node.history(from.id()).stream().map(MessageRecord::text).toList();
    }

    @Test
    void aStrangersMessageWithoutTheWorkIsRefusedBeforeStorageAndOneWithItIsARequest() {
        MessagingNode bob = node("bob");
        MessagingNode stranger = node("stranger");
        MessagingNode alice = node("alice");
        bob.messenger.stampBits(BOBS_PRICE);
        stranger.messenger.stampBits(0);
        alice.messenger.stampBits(0);
        MessagingNode.link(stranger, bob);
        MessagingNode.link(alice, bob);
        loop.runUntilIdle();
        MessagingNode.befriend(alice, bob);

        stranger.send(bob.id(), "buy now");
        alice.send(bob.id(), "hi, it's alice");
        loop.advance(Duration.ofSeconds(1));
        assertTrue(bob.history(stranger.id()).isEmpty(), "not stored");
        assertEquals(1L, bob.messenger.refusedFrom(stranger.id()).get("unpaid"));
        assertTrue(bob.penalties.get(stranger.id()) > 0);
        assertEquals(List.of("hi, it's alice"), textsAt(bob, alice), "a contact pays nothing");

        // The same stranger, paying bob's price: its message is a message request like any.
        stranger.messenger.stampBits(BOBS_PRICE);
        stranger.send(bob.id(), "hello, may I write to you?");
        loop.advance(Duration.ofSeconds(1));
        assertEquals(List.of("hello, may I write to you?"), textsAt(bob, stranger));
        assertTrue(bob.history(stranger.id()).get(0).request());
        assertEquals(1L, bob.messenger.refusedFrom(stranger.id()).get("unpaid"), "refused once: the first");
    }
}
