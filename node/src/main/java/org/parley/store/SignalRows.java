package org.parley.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Read receipts and typing indicators per contact (decision 0053): the user's two switches and
 * the two read marks. Marks only ever move forward: every update compares in SQL, so a replayed
 * or reordered receipt cannot move one back. Called inside a transaction of the {@link StorageQueue}.
 */
public final class SignalRows {
    /**
     * One contact's row.
     *
     * @param peerReadMillis the send time of the newest of our messages the peer said it read (0: none)
     * @param peerReadId that message's ID, or null
     * @param ownReadMillis the send time of the newest of the peer's messages we marked read (0: none)
     */
    public record Signals(String peerId, boolean readReceipts, boolean typing, long peerReadMillis, byte[] peerReadId,
                          long ownReadMillis) {
    }

    /** A message the read marks are about: its ID and send time. */
    public record Marked(byte[] id, long sentMillis) {
    }

    private SignalRows() {
    }

    public static List<Signals> all(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT peer_id, read_receipts, typing, "
                + "peer_read_ms, peer_read_id, own_read_ms FROM conversation_signals")) {
            List<Signals> rows = new ArrayList<>();
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.add(new Signals(result.getString(1), result.getInt(2) == 1, result.getInt(3) == 1,
                            result.getLong(4), result.getBytes(5), result.getLong(6)));
                }
            }
            return rows;
        }
    }

    public static void setSwitches(Connection connection, String peerId, boolean readReceipts, boolean typing)
            throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO conversation_signals "
                + "(peer_id, read_receipts, typing) VALUES (?, ?, ?) ON CONFLICT (peer_id) DO UPDATE SET "
                + "read_receipts = excluded.read_receipts, typing = excluded.typing")) {
            upsert.setString(1, peerId);
            upsert.setInt(2, readReceipts ? 1 : 0);
            upsert.setInt(3, typing ? 1 : 0);
            upsert.executeUpdate();
        }
    }

    /** Moves how far the peer read our messages forward to {@code marked}; whether it moved. */
    public static boolean advancePeerRead(Connection connection, String peerId, Marked marked) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO conversation_signals "
                + "(peer_id, peer_read_ms, peer_read_id) VALUES (?, ?, ?) ON CONFLICT (peer_id) DO UPDATE SET "
                + "peer_read_ms = excluded.peer_read_ms, peer_read_id = excluded.peer_read_id "
                + "WHERE excluded.peer_read_ms > conversation_signals.peer_read_ms")) {
            upsert.setString(1, peerId);
            upsert.setLong(2, marked.sentMillis());
            upsert.setBytes(3, marked.id());
            return upsert.executeUpdate() == 1;
        }
    }

    /** Moves how far we read the peer's messages forward to {@code sentMillis}; whether it moved. */
    public static boolean advanceOwnRead(Connection connection, String peerId, long sentMillis) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO conversation_signals "
                + "(peer_id, own_read_ms) VALUES (?, ?) ON CONFLICT (peer_id) DO UPDATE SET "
                + "own_read_ms = excluded.own_read_ms WHERE excluded.own_read_ms > conversation_signals.own_read_ms")) {
            upsert.setString(1, peerId);
            upsert.setLong(2, sentMillis);
            return upsert.executeUpdate() == 1;
        }
    }

    /**
     * One of our messages to {@code peerId} (not a message request, not the peer's): what a read
     * receipt from it may name. Empty for any other ID.
     */
    public static Optional<Marked> ours(Connection connection, String peerId, byte[] id) throws SQLException {
        return one(connection, "SELECT id, sent_ms FROM messages WHERE id = ? AND peer_id = ? AND direction = 'out'",
                id, peerId);
    }

    /** One of the peer's messages, not a message request. */
    public static Optional<Marked> theirs(Connection connection, String peerId, byte[] id) throws SQLException {
        return one(connection, "SELECT id, sent_ms FROM messages WHERE id = ? AND peer_id = ? AND direction = 'in' "
                + "AND request = 0", id, peerId);
    }

    /** The newest of the peer's messages, in the history's order; not a message request. */
    public static Optional<Marked> newestOfTheirs(Connection connection, String peerId) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT id, sent_ms FROM messages "
                + "WHERE peer_id = ? AND direction = 'in' AND request = 0 ORDER BY sent_ms DESC, seq DESC LIMIT 1")) {
            query.setString(1, peerId);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(new Marked(rows.getBytes(1), rows.getLong(2))) : Optional.empty();
            }
        }
    }

    private static Optional<Marked> one(Connection connection, String sql, byte[] id, String peerId)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setBytes(1, id);
            query.setString(2, peerId);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(new Marked(rows.getBytes(1), rows.getLong(2))) : Optional.empty();
            }
        }
    }
}
