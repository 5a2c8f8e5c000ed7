package org.parley.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.link.memory.InMemoryFabric;
import org.parley.messaging.MessageRecord;
import org.parley.messaging.MessagingConfig;
import org.parley.overlay.dht.DhtKey;
import org.parley.runtime.VirtualScheduler;

/**
 * Relay contacts end to end on whole nodes (in-memory network, virtual clock, SQLite files):
 * carol, the peer farthest from bob's key, relays for him, so she holds his mail although she is
 * never among the closest, senders count her copy, and bob picks up from her.
 */
class RelayDeliveryTest {
    /** One replica by closeness, and no repair: where a copy lies is what the sender put there. */
    private static final MailboxConfig ONE_REPLICA = new MailboxConfig(1, Duration.ofDays(7), 8L << 20, 4L << 20,
            256L << 20, Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(3), Duration.ofMinutes(1),
            Duration.ofDays(1), 256 << 10, GroupMailConfig.defaults());

    @TempDir
    Path directory;

    private final VirtualScheduler loop = new VirtualScheduler(1_767_225_600_000L);
    private final InMemoryFabric fabric = new InMemoryFabric();
    private MailboxNode bob;
    private MailboxNode alice;
    private MailboxNode carol;
    private MailboxNode hub;
    /** The others, closest to bob's key first. */
    private List<MailboxNode> near;

    private void network() {
        bob = new MailboxNode("bob", 1, directory, fabric, loop, ONE_REPLICA, MessagingConfig.defaults());
        List<MailboxNode> others = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            others.add(new MailboxNode("peer" + i, i + 2, directory, fabric, loop, ONE_REPLICA,
                    MessagingConfig.defaults()));
        }
        DhtKey key = DhtKey.ofPeer(bob.id());
        others.sort(Comparator.comparing(node -> DhtKey.ofPeer(node.id()), key.byDistance()));
        carol = others.get(6);
        hub = others.get(5);
        alice = others.get(4);
        near = others.subList(0, 4);
        hub.start(List.of());
        for (MailboxNode node : others) {
            if (node != hub) {
                node.start(List.of(hub));
            }
        }
        bob.start(List.of(hub));
        loop.advance(Duration.ofSeconds(30));
        befriend(alice, bob);
        befriend(bob, carol);
        assertTrue(alice.links.isConnected(bob.id()), "alice and bob linked, so each has the other's bundle");
    }

    private void befriend(MailboxNode one, MailboxNode other) {
        one.messenger.addContact(other.id(), "x");
        other.messenger.addContact(one.id(), "y");
        loop.runUntilIdle();
    }

    @Test
    void aRelayContactHoldsMailOutsideTheClosestCountsAsAReplicaAndHandsItOver() {
        network();
        carol.mailbox.offerRelay(bob.id());
        loop.advance(Duration.ofSeconds(10));
        assertEquals(List.of(carol.id()), bob.mailbox.relaysForUs());
        assertEquals(Map.of(bob.id(), true), carol.mailbox.relayingFor());
        assertEquals(List.of(carol.id()), alice.discovery.recordOf(bob.id()).orElseThrow().relays(),
                "bob's renewed record reached alice");

        bob.stop();
        alice.send(bob.id(), "via carol");
        loop.advance(Duration.ofSeconds(20));
        MessageRecord sent = alice.history(bob.id()).get(0);
        assertEquals(MessageRecord.RELAYED, sent.state());
        assertEquals(2, sent.replicas(), "the closest peer and carol");
        assertEquals(1, carol.mailbox.envelopesHeldForOthers());
        assertEquals(1, near.get(0).mailbox.envelopesHeldForOthers());
        List<ByteString> forBob = carol.mailbox.heldEnvelopeIds();

        // The closest replica is gone and alice too: only carol holds the message.
        near.get(0).stop();
        alice.stop();
        bob.start(List.of(hub));
        loop.advance(Duration.ofSeconds(30));
        assertEquals(List.of("via carol"), bob.history(alice.id()).stream().map(MessageRecord::text).toList());
        // Bob's receipt to the now absent alice may land with carol too: only bob's mail must be gone.
        assertTrue(carol.mailbox.heldEnvelopeIds().stream().noneMatch(forBob::contains), "bob had carol delete it");
        assertEquals(List.of(carol.id()), bob.discovery.ownRecord().relays(), "the arrangement outlived the restart");
    }

    @Test
    void withoutTheOfferOnlyTheClosestHoldsAndAWithdrawalTakesCarolOutOfBobsRecord() {
        network();
        bob.stop();
        alice.send(bob.id(), "closest only");
        loop.advance(Duration.ofSeconds(20));
        assertEquals(1, alice.history(bob.id()).get(0).replicas());
        assertEquals(0, carol.mailbox.envelopesHeldForOthers());

        bob.start(List.of(hub));
        loop.advance(Duration.ofSeconds(30));
        carol.mailbox.offerRelay(bob.id());
        loop.advance(Duration.ofSeconds(10));
        assertEquals(List.of(carol.id()), bob.discovery.ownRecord().relays());
        carol.stop();
        carol.start(List.of(hub));
        assertEquals(Map.of(bob.id(), true), carol.mailbox.relayingFor(), "the offer outlived carol's restart");
        carol.mailbox.withdrawRelay(bob.id());
        loop.advance(Duration.ofSeconds(30));
        assertEquals(List.of(), bob.discovery.ownRecord().relays());
        assertEquals(List.of(), alice.discovery.recordOf(bob.id()).orElseThrow().relays());
    }
}
