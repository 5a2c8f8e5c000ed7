package org.parley.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Our reactions, edits and deletions of direct messages until the peer's receipt (schema
 * migration 10): the outbox of actions, beside the outbox of messages. Called inside a transaction
 * of the {@link StorageQueue}; contents arrive here already sealed.
 */
public final class ActionOutboxRows {
    /** One action waiting for its receipt; {@code content} sealed, {@code envelope} null until sealed. */
    public record Entry(byte[] actionId, String peerId, byte[] content, long sentMillis, byte[] envelope,
                        long expiresMillis, String state, int replicas) {
    }

    private ActionOutboxRows() {
    }

    public static void insert(Connection connection, Entry entry) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO action_outbox "
                + "(action_id, peer_id, content, sent_ms, envelope, expires_ms, state, replicas) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setBytes(1, entry.actionId());
            insert.setString(2, entry.peerId());
            insert.setBytes(3, entry.content());
            insert.setLong(4, entry.sentMillis());
            insert.setBytes(5, entry.envelope());
            insert.setLong(6, entry.expiresMillis());
            insert.setString(7, entry.state());
            insert.setInt(8, entry.replicas());
            insert.executeUpdate();
        }
    }

    public static void setEnvelope(Connection connection, byte[] actionId, byte[] envelope) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE action_outbox SET envelope = ? WHERE action_id = ?")) {
            update.setBytes(1, envelope);
            update.setBytes(2, actionId);
            update.executeUpdate();
        }
    }

    /** Notes that {@code replicas} mailbox replicas hold the action, if it is still pending. */
    public static void markRelayed(Connection connection, byte[] actionId, String state, int replicas)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE action_outbox SET state = ?, replicas = ? WHERE action_id = ? AND state = 'pending'")) {
            update.setString(1, state);
            update.setInt(2, replicas);
            update.setBytes(3, actionId);
            update.executeUpdate();
        }
    }

    /** The action was delivered, or failed: it leaves the outbox. */
    public static void remove(Connection connection, byte[] actionId) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM action_outbox WHERE action_id = ?")) {
            delete.setBytes(1, actionId);
            delete.executeUpdate();
        }
    }

    /** Every action waiting, in sending order. */
    public static List<Entry> all(Connection connection) throws SQLException {
        List<Entry> entries = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT action_id, peer_id, content, sent_ms, "
                + "envelope, expires_ms, state, replicas FROM action_outbox ORDER BY sent_ms, action_id");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                entries.add(new Entry(rows.getBytes(1), rows.getString(2), rows.getBytes(3), rows.getLong(4),
                        rows.getBytes(5), rows.getLong(6), rows.getString(7), rows.getInt(8)));
            }
        }
        return entries;
    }
}
