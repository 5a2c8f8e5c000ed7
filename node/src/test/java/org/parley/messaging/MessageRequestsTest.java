package org.parley.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.runtime.VirtualScheduler;

/**
 * Messages from strangers (message requests): a stranger cannot fill the history, nor learn from
 * receipts that we are online, before the user accepts it as a contact.
 */
class MessageRequestsTest {
    private static final SecureRandom RANDOM = new SecureRandom();

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
    void aStrangerLearnsNothingFromReceiptsUntilTheUserAcceptsIt() {
        MessagingNode mallory = node("mallory");
        MessagingNode bob = node("bob");
        MessagingNode.link(mallory, bob);
        loop.runUntilIdle();

        mallory.send(bob.id(), "are you there?");
        loop.advance(MessagingConfig.defaults().retryInterval().multipliedBy(3));
        assertEquals(List.of("are you there?"), textsAt(bob, mallory), "bob has the request, once");
        assertEquals(MessageRecord.PENDING, mallory.history(bob.id()).get(0).state(),
                "no receipt: mallory cannot tell bob is online");
        assertTrue(mallory.updated.isEmpty());

        bob.messenger.addContact(mallory.id(), "mallory");
        loop.advance(Duration.ofSeconds(1));
        assertEquals(MessageRecord.DELIVERED, mallory.history(bob.id()).get(0).state(),
                "accepting the contact acknowledges its requests");
        assertFalse(bob.history(mallory.id()).get(0).request());
    }

    @Test
    void aStrangerKeepsOnlyItsQuotaOfRequestsAndTheFirstOnesStay() {
        MessagingNode mallory = node("mallory");
        MessagingNode bob = node("bob");
        bob.messenger.limitRequests(new RequestLimits(3, 1 << 20, 100, 1 << 20));
        MessagingNode.link(mallory, bob);
        loop.runUntilIdle();
        for (int i = 0; i < 6; i++) {
            mallory.send(bob.id(), "junk " + i);
        }
        loop.advance(Duration.ofSeconds(2));
        assertEquals(List.of("junk 0", "junk 1", "junk 2"), textsAt(bob, mallory));

        bob.crash();
        bob.open();
        bob.messenger.limitRequests(new RequestLimits(3, 1 << 20, 100, 1 << 20));
        MessagingNode.link(mallory, bob);
        mallory.send(bob.id(), "after bob's restart");
        loop.advance(Duration.ofSeconds(2));
        assertEquals(List.of("junk 0", "junk 1", "junk 2"), textsAt(bob, mallory), "the quota is kept on disk");

        bob.messenger.addContact(mallory.id(), "mallory");
        loop.runUntilIdle();
        mallory.send(bob.id(), "as a contact");
        loop.advance(Duration.ofSeconds(2));
        assertEquals("as a contact", textsAt(bob, mallory).get(textsAt(bob, mallory).size() - 1),
                "a contact's messages are no requests");
    }

    @Test
    void aFloodOfStrangersDropsTheOldestRequestsAndAGenuineOneThatComesAfterIsKept() {
        MessagingNode bob = node("bob");
        bob.messenger.limitRequests(new RequestLimits(2, 1 << 20, 4, 1 << 20));
        MessagingNode early = node("early");
        MessagingNode.link(early, bob);
        early.send(bob.id(), "hello from before the flood");
        loop.advance(Duration.ofSeconds(1));

        List<MessagingNode> sybils = IntStream.range(0, 3).mapToObj(i -> node("sybil" + i)).toList();
        for (MessagingNode sybil : sybils) {
            MessagingNode.link(sybil, bob);
            sybil.send(bob.id(), "junk a");
            sybil.send(bob.id(), "junk b");
            loop.advance(Duration.ofSeconds(1));
        }
        MessagingNode genuine = node("genuine");
        MessagingNode.link(genuine, bob);
        genuine.send(bob.id(), "hello, we met yesterday");
        loop.advance(Duration.ofSeconds(1));

        assertEquals(List.of(), textsAt(bob, early), "the oldest request went first");
        assertEquals(List.of(), textsAt(bob, sybils.get(0)));
        assertEquals(List.of("hello, we met yesterday"), textsAt(bob, genuine));
        long kept = sybils.stream().mapToLong(sybil -> textsAt(bob, sybil).size()).sum()
                + textsAt(bob, genuine).size();
        assertEquals(4, kept, "never more than four requests in all");
    }
}
