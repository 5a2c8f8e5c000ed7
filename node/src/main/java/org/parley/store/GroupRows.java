package org.parley.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Groups, their membership operations, sender keys, log and signal outbox. Called inside a
 * transaction of the {@link StorageQueue}; names, key states, bodies and signal payloads arrive
 * here already sealed.
 */
public final class GroupRows {
    /** A group this node was invited to or is a member of. {@code name} is sealed. */
    public record Group(byte[] groupId, byte[] name, String status, String invitedBy, long createdMillis) {
    }

    /** A stored membership op (the signed protobuf). */
    public record Op(byte[] opId, byte[] groupId, byte[] sealedOp) {
    }

    /** A sender key; {@code state} is sealed. */
    public record Key(byte[] groupId, byte[] keyId, String owner, byte[] state) {
    }

    /** One entry of a group log. {@code body} is sealed; {@code parents} is the 32-byte IDs end to end. */
    public record Entry(byte[] entryId, byte[] groupId, byte[] messageId, String sender, long lamport, byte[] parents,
                        byte[] post, byte[] body, long sentMillis, long receivedMillis) {
    }

    /** A group signal waiting for its acknowledgement; {@code payload} is sealed. */
    public record QueuedSignal(byte[] signalId, String peerId, byte[] payload, long createdMillis) {
    }

    private static final String ENTRY_COLUMNS =
            "entry_id, group_id, message_id, sender, lamport, parents, post, body, sent_ms, received_ms";

    private GroupRows() {
    }

    public static void putGroup(Connection connection, Group group) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(
                "INSERT INTO groups (group_id, name, status, invited_by, created_ms) VALUES (?, ?, ?, ?, ?) "
                        + "ON CONFLICT (group_id) DO UPDATE SET name = excluded.name, status = excluded.status")) {
            upsert.setBytes(1, group.groupId());
            upsert.setBytes(2, group.name());
            upsert.setString(3, group.status());
            upsert.setString(4, group.invitedBy());
            upsert.setLong(5, group.createdMillis());
            upsert.executeUpdate();
        }
    }

    public static List<Group> groups(Connection connection) throws SQLException {
        List<Group> groups = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT group_id, name, status, invited_by, created_ms FROM groups ORDER BY created_ms, group_id");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                groups.add(new Group(rows.getBytes(1), rows.getBytes(2), rows.getString(3), rows.getString(4),
                        rows.getLong(5)));
            }
        }
        return groups;
    }

    public static void putOp(Connection connection, byte[] groupId, byte[] opId, byte[] op) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT OR IGNORE INTO group_ops (op_id, group_id, op) VALUES (?, ?, ?)")) {
            insert.setBytes(1, opId);
            insert.setBytes(2, groupId);
            insert.setBytes(3, op);
            insert.executeUpdate();
        }
    }

    public static List<Op> ops(Connection connection) throws SQLException {
        List<Op> ops = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT op_id, group_id, op FROM group_ops ORDER BY rowid");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                ops.add(new Op(rows.getBytes(1), rows.getBytes(2), rows.getBytes(3)));
            }
        }
        return ops;
    }

    public static void putKey(Connection connection, Key key) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(
                "INSERT INTO group_keys (group_id, key_id, owner, state) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT (group_id, key_id) DO UPDATE SET state = excluded.state")) {
            upsert.setBytes(1, key.groupId());
            upsert.setBytes(2, key.keyId());
            upsert.setString(3, key.owner());
            upsert.setBytes(4, key.state());
            upsert.executeUpdate();
        }
    }

    public static List<Key> keys(Connection connection) throws SQLException {
        List<Key> keys = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT group_id, key_id, owner, state FROM group_keys ORDER BY rowid");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                keys.add(new Key(rows.getBytes(1), rows.getBytes(2), rows.getString(3), rows.getBytes(4)));
            }
        }
        return keys;
    }

    /** Adds an entry to its log; false when it was already there. */
    public static boolean insertEntry(Connection connection, Entry entry) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT OR IGNORE INTO group_log (" + ENTRY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setBytes(1, entry.entryId());
            insert.setBytes(2, entry.groupId());
            insert.setBytes(3, entry.messageId());
            insert.setString(4, entry.sender());
            insert.setLong(5, entry.lamport());
            insert.setBytes(6, entry.parents());
            insert.setBytes(7, entry.post());
            insert.setBytes(8, entry.body());
            insert.setLong(9, entry.sentMillis());
            insert.setLong(10, entry.receivedMillis());
            return insert.executeUpdate() == 1;
        }
    }

    /** Every entry of every log, without posts and bodies: what the node keeps in memory. */
    public static List<Entry> entryLinks(Connection connection) throws SQLException {
        List<Entry> entries = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT entry_id, group_id, lamport, parents FROM group_log ORDER BY group_id, lamport, entry_id");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                entries.add(new Entry(rows.getBytes(1), rows.getBytes(2), null, null, rows.getLong(3),
                        rows.getBytes(4), null, null, 0, 0));
            }
        }
        return entries;
    }

    /** Where an entry stands in a group's display order. */
    public record Position(long lamport, byte[] entryId) {
    }

    /** The position of an entry of the group's log, if the log holds it. */
    public static Optional<Position> position(Connection connection, byte[] groupId, byte[] entryId)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT lamport FROM group_log WHERE group_id = ? AND entry_id = ?")) {
            query.setBytes(1, groupId);
            query.setBytes(2, entryId);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(new Position(rows.getLong(1), entryId)) : Optional.empty();
            }
        }
    }

    /**
     * Up to {@code limit} messages of a group's log (entries that carry a reaction, edit or
     * deletion left out) in display order (lamport, then entry ID), oldest
     * first, ending just before {@code before} (or with the newest when it is empty).
     */
    public static List<Entry> history(Connection connection, byte[] groupId, int limit, Optional<Position> before)
            throws SQLException {
        List<Entry> entries = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT " + ENTRY_COLUMNS + " FROM group_log WHERE group_id = ? "
                        + "AND entry_id NOT IN (SELECT entry_id FROM group_action_entries) "
                        + (before.isPresent() ? "AND (lamport < ? OR (lamport = ? AND entry_id < ?)) " : "")
                        + "ORDER BY lamport DESC, entry_id DESC LIMIT ?")) {
            int index = 1;
            query.setBytes(index++, groupId);
            if (before.isPresent()) {
                query.setLong(index++, before.get().lamport());
                query.setLong(index++, before.get().lamport());
                query.setBytes(index++, before.get().entryId());
            }
            query.setInt(index, limit);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    entries.add(0, new Entry(rows.getBytes(1), rows.getBytes(2), rows.getBytes(3), rows.getString(4),
                            rows.getLong(5), rows.getBytes(6), rows.getBytes(7), rows.getBytes(8), rows.getLong(9),
                            rows.getLong(10)));
                }
            }
        }
        return entries;
    }

    /** One message of a group's log (an entry that carries an action is none), if this log holds it. */
    public static Optional<Entry> message(Connection connection, byte[] groupId, byte[] entryId) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT " + ENTRY_COLUMNS
                + " FROM group_log WHERE group_id = ? AND entry_id = ?"
                + " AND entry_id NOT IN (SELECT entry_id FROM group_action_entries)")) {
            query.setBytes(1, groupId);
            query.setBytes(2, entryId);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(new Entry(rows.getBytes(1), rows.getBytes(2), rows.getBytes(3),
                        rows.getString(4), rows.getLong(5), rows.getBytes(6), rows.getBytes(7), rows.getBytes(8),
                        rows.getLong(9), rows.getLong(10))) : Optional.empty();
            }
        }
    }

    /** The post of an entry, as it travelled, if this log holds it. */
    public static Optional<byte[]> post(Connection connection, byte[] groupId, byte[] entryId) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT post FROM group_log WHERE group_id = ? AND entry_id = ?")) {
            query.setBytes(1, groupId);
            query.setBytes(2, entryId);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(rows.getBytes(1)) : Optional.empty();
            }
        }
    }

    public static void enqueueSignal(Connection connection, QueuedSignal signal) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT OR IGNORE INTO group_outbox (control_id, peer_id, payload, created_ms) VALUES (?, ?, ?, ?)")) {
            insert.setBytes(1, signal.signalId());
            insert.setString(2, signal.peerId());
            insert.setBytes(3, signal.payload());
            insert.setLong(4, signal.createdMillis());
            insert.executeUpdate();
        }
    }

    public static void dequeueSignal(Connection connection, byte[] signalId) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM group_outbox WHERE control_id = ?")) {
            delete.setBytes(1, signalId);
            delete.executeUpdate();
        }
    }

    public static List<QueuedSignal> queuedSignals(Connection connection) throws SQLException {
        List<QueuedSignal> signals = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT control_id, peer_id, payload, created_ms FROM group_outbox ORDER BY rowid");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                signals.add(new QueuedSignal(rows.getBytes(1), rows.getString(2), rows.getBytes(3), rows.getLong(4)));
            }
        }
        return signals;
    }
}
