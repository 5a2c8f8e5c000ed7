package org.parley.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.link.memory.InMemoryFabric;
import org.parley.messaging.MessageRecord;
import org.parley.messaging.MessagingConfig;
import org.parley.runtime.VirtualScheduler;

/** Offline delivery end to end: whole nodes on the in-memory network, a virtual clock, real SQLite files. */
class OfflineDeliveryTest {
    @TempDir
    Path directory;

    private final VirtualScheduler loop = new VirtualScheduler(1_767_225_600_000L);
    private final InMemoryFabric fabric = new InMemoryFabric();
    private final List<MailboxNode> nodes = new ArrayList<>();

    private MailboxNode node(String name, MailboxConfig config) {
        MailboxNode node = new MailboxNode(name, nodes.size() + 1, directory, fabric, loop, config,
                MessagingConfig.defaults());
        nodes.add(node);
        return node;
    }

    /** A hub, {@code relays} more peers, alice and bob, all linked up and knowing each other's bundles. */
    private List<MailboxNode> network(int relays, MailboxConfig config) {
        MailboxNode hub = node("hub", config);
        hub.start(List.of());
        for (int i = 0; i < relays; i++) {
            node("relay" + i, config).start(List.of(hub));
        }
        MailboxNode alice = node("alice", config);
        MailboxNode bob = node("bob", config);
        alice.start(List.of(hub));
        bob.start(List.of(hub));
        loop.advance(Duration.ofSeconds(30));
        assertTrue(alice.links.isConnected(bob.id()), "alice and bob linked, so each has the other's bundle");
        return List.of(alice, bob, hub);
    }

    private long heldForOthers() {
        return nodes.stream().filter(node -> node.running).mapToLong(node -> node.mailbox.bytesHeldForOthers()).sum();
    }

    @Test
    void messagesForAnAbsentPeerAreRelayedPickedUpInOrderOnceAndConfirmedThroughTheMailbox() {
        List<MailboxNode> net = network(3, MailboxConfig.defaults());
        MailboxNode alice = net.get(0);
        MailboxNode bob = net.get(1);
        MailboxNode hub = net.get(2);
        bob.stop();
        loop.advance(Duration.ofSeconds(1));

        for (int i = 0; i < 50; i++) {
            assertEquals(MessageRecord.PENDING, alice.send(bob.id(), "m" + i).state());
        }
        loop.advance(Duration.ofSeconds(20));
        List<MessageRecord> sent = alice.history(bob.id());
        assertTrue(sent.stream().allMatch(m -> m.state().equals(MessageRecord.RELAYED) && m.replicas() == 3),
                sent.get(0).toString());
        assertTrue(heldForOthers() > 0);

        alice.stop();
        bob.start(List.of(hub));
        loop.advance(Duration.ofSeconds(60));
        List<MessageRecord> received = bob.history(alice.id());
        assertEquals(IntStream.range(0, 50).mapToObj(i -> "m" + i).toList(),
                received.stream().map(MessageRecord::text).toList(), "all 50, once each, in order");

        // Bob leaves again before alice is back: his receipts can only reach her through her replicas.
        bob.stop();
        alice.start(List.of(hub));
        loop.advance(Duration.ofSeconds(60));
        List<MessageRecord> confirmed = alice.history(bob.id());
        assertTrue(confirmed.stream().allMatch(m -> m.state().equals(MessageRecord.DELIVERED)), confirmed.toString());
        // Bob deleted his mail, alice the receipts that came back for her: nothing is held any more.
        loop.advance(Duration.ofMinutes(2));
        assertEquals(0, heldForOthers());
    }
}
