package org.parley.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.messaging.TestSealing;
import org.parley.link.memory.InMemoryFabric;
import org.parley.messaging.MessageRecord;
import org.parley.messaging.MessagingConfig;
import org.parley.proto.wire.v1.RatchetMessage;
import org.parley.runtime.VirtualScheduler;

/**
 * The attack on whole nodes: while bob is away, mallory, a stranger, has his replicas hold junk
 * envelopes for him, well signed by her and unreadable by anyone. When bob picks his mail up, the
 * junk must cost mallory, not the replicas that carried it: bob keeps his replicas (and his mail).
 */
class ReplicaBlameTest {
    private static final SecureRandom RANDOM = new SecureRandom();

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

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    @Test
    void junkLeftAtBobsReplicasByAStrangerBansTheStrangerNotTheReplicas() {
        MailboxNode hub = node("hub");
        hub.start(List.of());
        for (int i = 0; i < 3; i++) {
            node("relay" + i).start(List.of(hub));
        }
        MailboxNode alice = node("alice");
        MailboxNode bob = node("bob");
        MailboxNode mallory = node("mallory");
        for (MailboxNode peer : List.of(alice, bob, mallory)) {
            peer.start(List.of(hub));
        }
        loop.advance(Duration.ofSeconds(30));
        assertTrue(alice.links.isConnected(bob.id()), "alice and bob linked, so each has the other's bundle");
        bob.stop();
        loop.advance(Duration.ofSeconds(1));

        for (int i = 0; i < 5; i++) {
            RatchetMessage junk = RatchetMessage.newBuilder().setSessionId(ByteString.copyFrom(random(32)))
                    .setRatchetKey(ByteString.copyFrom(random(32))).setCiphertext(ByteString.copyFrom(random(64)))
                    .build();
            long now = loop.nowMillis();
            mallory.mailbox.carry(bob.id(), TestSealing.seal(mallory.identity, bob.id(), now, now + Duration.ofDays(1).toMillis(),
                    junk.toByteArray()));
        }
        alice.send(bob.id(), "real mail");
        loop.advance(Duration.ofSeconds(20));
        List<MailboxNode> replicas = nodes.stream()
                .filter(node -> node != mallory && node.running && node.mailbox.envelopesHeldForOthers() >= 5)
                .toList();
        assertFalse(replicas.isEmpty(), "bob's replicas hold the junk");

        bob.start(List.of(hub));
        loop.advance(Duration.ofSeconds(60));

        for (MailboxNode replica : replicas) {
            assertFalse(bob.links.isBanned(replica.id()), "bob keeps replica " + replica.identity.name());
        }
        assertTrue(bob.links.isBanned(mallory.id()), "the junk's sender answers for it");
        assertEquals(List.of("real mail"), bob.history(alice.id()).stream().map(MessageRecord::text).toList());
    }
}
