package org.parley.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.link.PeerInfo;
import org.parley.link.memory.InMemoryFabric;
import org.parley.messaging.MessageRecord;
import org.parley.messaging.MessagingConfig;
import org.parley.runtime.VirtualScheduler;

/**
 * Version negotiation (decision 0047): a node that reads only envelope version 1 (as nodes from
 * before sealing do, whose Hello says nothing of versions) still gets messages from a new node,
 * whether they were sealed before the new node heard its Hello or after.
 */
class EnvelopeVersionsTest {
    @TempDir
    Path directory;

    private final VirtualScheduler loop = new VirtualScheduler(1_767_225_600_000L);
    private final InMemoryFabric fabric = new InMemoryFabric();
    private final List<MailboxNode> nodes = new ArrayList<>();

    private MailboxNode node(String name) {
        MailboxNode node = new MailboxNode(name, nodes.size() + 1, directory, fabric, loop, MailboxConfig.defaults(),
                MessagingConfig.defaults());
        nodes.add(node);
        return node;
    }

    @Test
    void aNodeThatReadsOnlyVersionOneGetsItsMessagesAndRefusesNothing() {
        MailboxNode hub = node("hub");
        hub.start(List.of());
        MailboxNode alice = node("alice");
        MailboxNode old = node("old");
        old.onlyEnvelopeVersions = Set.of(1);
        alice.start(List.of(hub));
        old.start(List.of(hub));
        loop.advance(Duration.ofSeconds(25));
        assertTrue(alice.links.isConnected(old.id()));
        PeerInfo seen = alice.links.connectedPeers().stream().filter(peer -> peer.peerId().equals(old.id())).findFirst()
                .orElseThrow();
        assertEquals(Set.of(), seen.envelopeVersions(), "the old node's Hello says nothing of versions");

        // Contacts: our stand-in for an old node still asks strangers for a stamp, which version 1 cannot carry.
        alice.messenger.addContact(old.id(), "old");
        old.messenger.addContact(alice.id(), "alice");
        loop.runUntilIdle();
        alice.send(old.id(), "to an old node");
        loop.advance(Duration.ofSeconds(10));
        assertEquals(List.of("to an old node"), old.history(alice.id()).stream().map(MessageRecord::text).toList());
        assertEquals(MessageRecord.DELIVERED, alice.history(old.id()).get(0).state());

        // Sealed while the old node was away and unknown (so in the newest version), then sealed
        // again in version 1 once its Hello comes.
        old.stop();
        loop.advance(Duration.ofSeconds(1));
        alice.stop();
        alice.start(List.of(hub));
        loop.advance(Duration.ofSeconds(5));
        alice.send(old.id(), "sealed before its hello");
        loop.advance(Duration.ofSeconds(5));
        old.start(List.of(hub));
        loop.advance(Duration.ofSeconds(60));
        assertEquals(List.of("to an old node", "sealed before its hello"),
                old.history(alice.id()).stream().map(MessageRecord::text).toList());
        assertEquals(java.util.Map.of(), old.messenger.refusedFrom(alice.id()), "the old node refused nothing of alice's");
    }

    /**
     * A message sealed in version 1 for an old node that is away: replicas take only sealed mail,
     * so none is asked to hold it (nothing to refuse, nothing scored); it stays pending, and goes
     * directly once the old node links again.
     */
    @Test
    void mailForAnOldNodeThatIsAwayStaysPendingAndGoesDirectlyWhenItIsBack() {
        MailboxNode hub = node("hub");
        hub.start(List.of());
        MailboxNode alice = node("alice");
        MailboxNode old = node("old");
        old.onlyEnvelopeVersions = Set.of(1);
        alice.start(List.of(hub));
        old.start(List.of(hub));
        loop.advance(Duration.ofSeconds(25));
        alice.messenger.addContact(old.id(), "old");
        old.messenger.addContact(alice.id(), "alice");
        loop.runUntilIdle();

        old.stop();
        loop.advance(Duration.ofSeconds(1));
        alice.send(old.id(), "while the old node is away");
        loop.advance(Duration.ofMinutes(3));
        assertEquals(MessageRecord.PENDING, alice.history(old.id()).get(0).state(), "pending, not failed or relayed");
        assertEquals(0, hub.mailbox.envelopesHeldForOthers());

        old.start(List.of(hub));
        loop.advance(Duration.ofSeconds(60));
        assertEquals(List.of("while the old node is away"),
                old.history(alice.id()).stream().map(MessageRecord::text).toList());
        assertEquals(MessageRecord.DELIVERED, alice.history(old.id()).get(0).state());
    }
}
