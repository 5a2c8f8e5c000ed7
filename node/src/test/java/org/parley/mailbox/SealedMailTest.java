package org.parley.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.identity.PeerId;
import org.parley.link.memory.InMemoryFabric;
import org.parley.messaging.MessageRecord;
import org.parley.messaging.MessagingConfig;
import org.parley.messaging.PairAddresses;
import org.parley.proto.wire.v1.WireEnvelope;
import org.parley.runtime.VirtualScheduler;
import org.parley.store.HeldMailRows;

/**
 * Relayed mail with the sender sealed inside (finding 6 of issue 16): whole nodes on the in-memory
 * network, a virtual clock, real SQLite files. The replicas log what they hold, in memory and on
 * disk; the sender's identity is in none of it.
 */
class SealedMailTest {
    /** Forty seconds before an epoch boundary: the network links up, then the boundary passes. */
    private static final long START = 20_454L * PairAddresses.EPOCH_MILLIS - 40_000;

    @TempDir
    Path directory;

    private final VirtualScheduler loop = new VirtualScheduler(START);
    private final InMemoryFabric fabric = new InMemoryFabric();
    private final List<MailboxNode> nodes = new ArrayList<>();

    private MailboxNode node(String name) {
        MailboxNode node = new MailboxNode(name, nodes.size() + 1, directory, fabric, loop, MailboxConfig.defaults(),
                MessagingConfig.defaults());
        nodes.add(node);
        return node;
    }

    /** A hub, three relays, alice and bob, contacts of each other; bob then goes away. */
    private List<MailboxNode> bobAway() {
        MailboxNode hub = node("hub");
        hub.start(List.of());
        for (int i = 0; i < 3; i++) {
            node("relay" + i).start(List.of(hub));
        }
        MailboxNode alice = node("alice");
        MailboxNode bob = node("bob");
        alice.start(List.of(hub));
        bob.start(List.of(hub));
        loop.advance(Duration.ofSeconds(25));
        assertTrue(alice.links.isConnected(bob.id()));
        alice.messenger.addContact(bob.id(), "bob");
        bob.messenger.addContact(alice.id(), "alice");
        loop.runUntilIdle();
        bob.stop();
        loop.advance(Duration.ofSeconds(1));
        return List.of(alice, bob, hub);
    }

    private List<MailboxNode> replicasHolding() {
        return nodes.stream().filter(node -> node.running && node.mailbox.envelopesHeldForOthers() > 0).toList();
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Test
    void replicasLoggingWhatTheyHoldSeeNoSenderAndPickupAfterTheEpochBoundaryStillGetsTheMail() {
        List<MailboxNode> net = bobAway();
        MailboxNode alice = net.get(0);
        MailboxNode bob = net.get(1);
        long epochBefore = PairAddresses.epochOf(loop.nowMillis());
        alice.send(bob.id(), "before the boundary");
        loop.advance(Duration.ofSeconds(15));
        assertEquals(epochBefore + 1, PairAddresses.epochOf(loop.nowMillis()), "the epoch turned meanwhile");
        alice.send(bob.id(), "after the boundary");
        loop.advance(Duration.ofSeconds(20));
        assertTrue(alice.history(bob.id()).stream().allMatch(m -> m.state().equals(MessageRecord.RELAYED)),
                alice.history(bob.id()).toString());

        // Every replica, in memory and in its database: the envelopes, their columns, their bytes.
        List<MailboxNode> holders = replicasHolding();
        assertTrue(holders.size() >= 3, "held by the replicas");
        byte[] aliceKey = alice.id().publicKey();
        Set<ByteString> addresses = new HashSet<>();
        for (MailboxNode replica : holders) {
            for (WireEnvelope held : replica.mailbox.heldEnvelopes()) {
                assertTrue(held.getSender().isEmpty());
                assertFalse(contains(held.toByteArray(), aliceKey), "alice's key is not in what " + replica.identity
                        + " holds");
                addresses.add(held.getAddress());
            }
            List<HeldMailRows.HeldRow> rows = replica.database.inTransaction(connection ->
                    HeldMailRows.unexpired(connection, loop.nowMillis()));
            assertFalse(rows.isEmpty());
            for (HeldMailRows.HeldRow row : rows) {
                assertNotEquals(alice.id().toString(), row.sender(), "the sender column names no identity");
                assertFalse(contains(row.envelope(), aliceKey));
            }
        }
        assertEquals(2, addresses.size(), "one address before the boundary, another after");

        bob.start(List.of(net.get(2)));
        loop.advance(Duration.ofSeconds(60));
        assertEquals(List.of("before the boundary", "after the boundary"),
                bob.history(alice.id()).stream().map(MessageRecord::text).toList());
        PeerId aliceId = alice.id();
        assertTrue(bob.history(aliceId).stream().noneMatch(MessageRecord::request), "from a contact, proved");
    }
}
