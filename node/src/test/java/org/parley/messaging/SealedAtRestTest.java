package org.parley.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.runtime.VirtualScheduler;
import org.parley.store.ContentCipher;
import org.parley.store.Database;

/**
 * What someone who can read or write the database file (but has not the passphrase) gets: contact
 * names sealed, message bodies bound to their peer and direction, and profiles written before that
 * binding still open, bound on first open.
 */
class SealedAtRestTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path directory;

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);

    /** Alice and bob, mutual contacts under telling names, two messages each way. */
    private MessagingNode[] conversation() {
        MessagingNode alice = new MessagingNode("alice", loop, directory, RANDOM);
        MessagingNode bob = new MessagingNode("bob", loop, directory, RANDOM);
        MessagingNode.link(alice, bob);
        alice.messenger.addContact(bob.id(), "Bob-the-informant");
        bob.messenger.addContact(alice.id(), "Alice-from-the-embassy");
        loop.runUntilIdle();
        alice.send(bob.id(), "first from alice");
        bob.send(alice.id(), "first from bob");
        loop.advance(Duration.ofSeconds(1));
        return new MessagingNode[] {alice, bob};
    }

    private static String raw(MessagingNode node) throws Exception {
        StringBuilder raw = new StringBuilder();
        for (Path file : List.of(node.databaseFile, Path.of(node.databaseFile + "-wal"))) {
            if (Files.exists(file)) {
                raw.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
            }
        }
        return raw.toString();
    }

    @Test
    void contactNamesAreNotInTheDatabaseFile() throws Exception {
        MessagingNode[] pair = conversation();
        pair[0].crash();
        pair[1].crash();
        assertFalse(raw(pair[0]).contains("Bob-the-informant"));
        assertFalse(raw(pair[1]).contains("Alice-from-the-embassy"));
    }

    @Test
    void aBodyMovedToAnotherPeerOrTurnedAroundDoesNotOpen() {
        MessagingNode[] pair = conversation();
        MessagingNode alice = pair[0];
        MessagingNode bob = pair[1];
        MessagingNode carol = new MessagingNode("carol", loop, directory, RANDOM);
        bob.crash();
        try (Database database = Database.open(bob.databaseFile)) {
            // Someone with write access makes alice's message look as if carol had sent it.
            database.inTransaction(connection -> {
                try (PreparedStatement move = connection.prepareStatement(
                        "UPDATE messages SET peer_id = ? WHERE direction = 'in'")) {
                    move.setString(1, carol.id().toString());
                    return move.executeUpdate();
                }
            });
        }
        bob.open();
        CompletionException moved = assertThrows(CompletionException.class, () -> bob.history(carol.id()));
        assertTrue(moved.getCause().getMessage().contains("does not decrypt"), moved.getCause().getMessage());

        bob.crash();
        try (Database database = Database.open(bob.databaseFile)) {
            // ... or as if bob had written what alice wrote.
            database.inTransaction(connection -> {
                try (PreparedStatement turn = connection.prepareStatement(
                        "UPDATE messages SET peer_id = ?, direction = 'out' WHERE direction = 'in'")) {
                    turn.setString(1, alice.id().toString());
                    return turn.executeUpdate();
                }
            });
        }
        bob.open();
        assertThrows(CompletionException.class, () -> bob.history(alice.id()));
    }

    @Test
    void aProfileWrittenBeforeTheBindingOpensAndIsBoundOnce() throws Exception {
        MessagingNode[] pair = conversation();
        MessagingNode alice = pair[0];
        MessagingNode bob = pair[1];
        List<String> before = bob.history(alice.id()).stream().map(MessageRecord::text).toList();
        bob.crash();
        writeAsTheOldCodeDid(bob);
        assertTrue(raw(bob).contains("Alice-from-the-embassy"), "the fixture has the old, clear name");

        bob.open();
        assertEquals(before, bob.history(alice.id()).stream().map(MessageRecord::text).toList());
        assertEquals("Alice-from-the-embassy", bob.messenger.contacts().get(0).name());
        MessagingNode.link(alice, bob);
        bob.send(alice.id(), "after the upgrade");
        loop.advance(Duration.ofSeconds(1));
        assertEquals("after the upgrade", alice.history(bob.id()).get(2).text());
        bob.crash();
        try (Database database = Database.open(bob.databaseFile)) {
            byte[] stored = database.inTransaction(connection -> {
                try (ResultSet rows = connection.createStatement().executeQuery("SELECT name FROM contacts")) {
                    rows.next();
                    return rows.getBytes(1);
                }
            });
            assertFalse(new String(stored, StandardCharsets.ISO_8859_1).contains("Alice-from-the-embassy"),
                    "sealed once opened with the key (the old page may linger in free space until reused)");
        }
        bob.open();
        assertEquals(3, bob.history(alice.id()).size(), "bound once: opening again changes nothing");
    }

    /**
     * Rewrites the node's rows in the format of the code before the binding: bodies sealed to
     * {@code "message:" + id} only, contact names in clear, schema version 6 without a note about
     * bindings.
     */
    private static void writeAsTheOldCodeDid(MessagingNode node) {
        ContentCipher cipher = new ContentCipher(node.contentKey, RANDOM);
        try (Database database = Database.open(node.databaseFile)) {
            database.inTransaction(connection -> {
                List<Object[]> bodies = new ArrayList<>();
                try (PreparedStatement query = connection.prepareStatement(
                        "SELECT seq, id, peer_id, direction, body FROM messages");
                     ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        byte[] id = rows.getBytes(2);
                        byte[] text = cipher.open(rows.getBytes(5), org.parley.store.SealedPlaces.messageBody(id,
                                rows.getString(3), rows.getString(4)));
                        bodies.add(new Object[] {cipher.seal(text, "message:" + HexFormat.of().formatHex(id)),
                                rows.getLong(1)});
                    }
                }
                for (Object[] body : bodies) {
                    try (PreparedStatement update = connection.prepareStatement(
                            "UPDATE messages SET body = ? WHERE seq = ?")) {
                        update.setBytes(1, (byte[]) body[0]);
                        update.setLong(2, (Long) body[1]);
                        update.executeUpdate();
                    }
                }
                List<String[]> names = new ArrayList<>();
                try (PreparedStatement query = connection.prepareStatement("SELECT peer_id, name FROM contacts");
                     ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        String peer = rows.getString(1);
                        names.add(new String[] {peer, new String(cipher.open(rows.getBytes(2),
                                org.parley.store.SealedPlaces.contactName(peer)), StandardCharsets.UTF_8)});
                    }
                }
                for (String[] name : names) {
                    try (PreparedStatement update = connection.prepareStatement(
                            "UPDATE contacts SET name = ? WHERE peer_id = ?")) {
                        update.setString(1, name[1]);
                        update.setString(2, name[0]);
                        update.executeUpdate();
                    }
                }
                // As the old code left it: schema version 6, nothing noted about bindings.
                connection.createStatement().execute("DELETE FROM settings WHERE key = 'sealed-places'");
                connection.createStatement().execute("PRAGMA user_version = 6");
                return null;
            });
        }
    }
}
