package org.parley.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.runtime.VirtualScheduler;
import org.parley.store.ContentCipher;
import org.parley.store.Database;

/**
 * Databases written before the outbox had explicit states keep loading: the words in the
 * {@code messages.state} column, written here with plain SQL, come back as the same states.
 */
class StoredStatesTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path directory;

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);

    @Test
    void outgoingMessagesStoredWithTheOldStateWordsLoadAsThoseStates() {
        MessagingNode alice = new MessagingNode("alice", loop, directory, RANDOM);
        MessagingNode bob = new MessagingNode("bob", loop, directory, RANDOM);
        MessagingNode.befriend(alice, bob);
        alice.crash();
        long now = loop.nowMillis();
        long expires = now + Duration.ofDays(1).toMillis();
        byte[] heldEnvelope = Envelope.create(alice.identity, bob.id(), now, expires, new byte[] {1, 2, 3}).toProto()
                .toByteArray();
        MessageId pending = MessageId.random(RANDOM);
        MessageId relayed = MessageId.random(RANDOM);
        MessageId delivered = MessageId.random(RANDOM);
        MessageId failed = MessageId.random(RANDOM);
        ContentCipher cipher = new ContentCipher(alice.contentKey, RANDOM);
        try (Database database = Database.open(alice.databaseFile)) {
            database.inTransaction(connection -> {
                String insert = "INSERT INTO messages (id, peer_id, direction, body, sent_ms, state, reason, replicas) "
                        + "VALUES (?, ?, 'out', ?, ?, ?, ?, ?)";
                Object[][] rows = {
                    {pending, "pending", null, 0}, {relayed, "relayed", null, 2},
                    {delivered, "delivered", null, 0}, {failed, "failed", "expired", 0},
                };
                for (int i = 0; i < rows.length; i++) {
                    MessageId id = (MessageId) rows[i][0];
                    try (PreparedStatement statement = connection.prepareStatement(insert)) {
                        statement.setBytes(1, id.bytes());
                        statement.setString(2, bob.id().toString());
                        statement.setBytes(3, cipher.seal(("text " + i).getBytes(StandardCharsets.UTF_8),
                                "message:" + id));
                        statement.setLong(4, now - 1_000 + i);
                        statement.setString(5, (String) rows[i][1]);
                        statement.setString(6, (String) rows[i][2]);
                        statement.setInt(7, (Integer) rows[i][3]);
                        statement.executeUpdate();
                    }
                }
                // Rows of the format before sealed places, as schema 7 leaves a profile holding them.
                connection.createStatement().execute("UPDATE settings SET value = x'00' WHERE key = 'sealed-places'");
                String enqueue = "INSERT INTO outbox (message_id, peer_id, envelope, expires_ms) VALUES (?, ?, ?, ?)";
                for (Object[] row : new Object[][] {{pending, null}, {relayed, heldEnvelope}}) {
                    try (PreparedStatement statement = connection.prepareStatement(enqueue)) {
                        statement.setBytes(1, ((MessageId) row[0]).bytes());
                        statement.setString(2, bob.id().toString());
                        statement.setBytes(3, (byte[]) row[1]);
                        statement.setLong(4, expires);
                        statement.executeUpdate();
                    }
                }
                return null;
            });
        }

        alice.open();
        List<MessageRecord> history = alice.history(bob.id());
        assertEquals(List.of("pending", "relayed", "delivered", "failed"),
                history.stream().map(MessageRecord::state).toList());
        assertEquals("expired", history.get(3).reason());
        assertEquals(2, alice.messenger.outboxSize());
        assertEquals(1, alice.messenger.relayedCount());
        assertEquals(2L * heldEnvelope.length, alice.messenger.bytesHeldByReplicas());
        assertTrue(alice.messenger.awaitingRelay().isEmpty(), "the pending one is not sealed yet; the other is held");

        // The old pending row is an outbox item like any: sealed once bob's bundle comes, sent, delivered.
        MessagingNode.link(alice, bob);
        loop.runUntilIdle();
        loop.advance(Duration.ofSeconds(2));
        assertEquals(MessageRecord.DELIVERED, alice.history(bob.id()).get(0).state());
        assertEquals(List.of("text 0"), bob.history(alice.id()).stream().map(MessageRecord::text).toList());
    }
}
