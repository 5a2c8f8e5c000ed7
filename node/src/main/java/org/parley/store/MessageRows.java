package org.parley.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The history, the outbox and the record of envelopes taken in. Called inside a transaction of
 * the {@link StorageQueue}; bodies arrive here already sealed.
 */
public final class MessageRows {
    /** One message of the history. {@code body} is sealed with the content key. */
    public record StoredMessage(long seq, byte[] id, String peerId, String direction, byte[] body, long sentMillis,
                                Long receivedMillis, String state, String reason, boolean request, int replicas) {
        /** A message no mailbox replica holds (yet). */
        public StoredMessage(long seq, byte[] id, String peerId, String direction, byte[] body, long sentMillis,
                             Long receivedMillis, String state, String reason, boolean request) {
            this(seq, id, peerId, direction, body, sentMillis, receivedMillis, state, reason, request, 0);
        }
    }

    /** An outgoing message still waiting for its receipt. */
    public record OutboxEntry(long seq, byte[] messageId, String peerId, byte[] envelope, long expiresMillis,
                              byte[] body, long sentMillis, String state, int replicas) {
    }

    /** An envelope already taken in, remembered until it expires. */
    public record SeenEnvelope(byte[] envelopeId, String sender, byte[] messageId, long expiresMillis) {
    }

    private static final String MESSAGE_COLUMNS =
            "seq, id, peer_id, direction, body, sent_ms, received_ms, state, reason, request, replicas";

    private MessageRows() {
    }

    public static void insert(Connection connection, StoredMessage message) throws SQLException {
        insert(connection, message, "");
    }

    /** Inserts the message unless one with its ID is stored already; whether it did. */
    public static boolean insertIfAbsent(Connection connection, StoredMessage message) throws SQLException {
        return insert(connection, message, " ON CONFLICT (id) DO NOTHING") == 1;
    }

    private static int insert(Connection connection, StoredMessage message, String onConflict) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO messages (id, peer_id, direction, body, sent_ms, received_ms, state, reason, request) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)" + onConflict)) {
            insert.setBytes(1, message.id());
            insert.setString(2, message.peerId());
            insert.setString(3, message.direction());
            insert.setBytes(4, message.body());
            insert.setLong(5, message.sentMillis());
            if (message.receivedMillis() == null) {
                insert.setNull(6, Types.INTEGER);
            } else {
                insert.setLong(6, message.receivedMillis());
            }
            insert.setString(7, message.state());
            insert.setString(8, message.reason());
            insert.setInt(9, message.request() ? 1 : 0);
            // No generated key is asked for: fetching it costs a second statement per message.
            return insert.executeUpdate();
        }
    }

    public static Optional<StoredMessage> find(Connection connection, byte[] id) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE id = ?")) {
            query.setBytes(1, id);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(read(rows)) : Optional.empty();
            }
        }
    }

    public static void updateState(Connection connection, byte[] id, String state, String reason, Long receivedMillis)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE messages SET state = ?, reason = ?, received_ms = COALESCE(?, received_ms) WHERE id = ?")) {
            update.setString(1, state);
            update.setString(2, reason);
            if (receivedMillis == null) {
                update.setNull(3, Types.INTEGER);
            } else {
                update.setLong(3, receivedMillis);
            }
            update.setBytes(4, id);
            update.executeUpdate();
        }
    }

    /**
     * Marks an outgoing message as held by {@code replicas} mailbox replicas, if it is still
     * {@code pending} (a receipt committed just before wins).
     */
    public static void markRelayed(Connection connection, byte[] id, String state, int replicas) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE messages SET state = ?, replicas = ? WHERE id = ? AND state = 'pending'")) {
            update.setString(1, state);
            update.setInt(2, replicas);
            update.setBytes(3, id);
            update.executeUpdate();
        }
    }

    /** Clears the message-request flag of a peer's messages once the peer is a contact. */
    /** Makes the peer's message requests ordinary messages; returns their IDs. */
    public static List<byte[]> acceptRequests(Connection connection, String peerId) throws SQLException {
        List<byte[]> ids = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT id FROM messages WHERE peer_id = ? AND request = 1 ORDER BY seq")) {
            query.setString(1, peerId);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getBytes(1));
                }
            }
        }
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE messages SET request = 0 WHERE peer_id = ? AND request = 1")) {
            update.setString(1, peerId);
            update.executeUpdate();
        }
        return ids;
    }

    /** A stored message request: its ID, sender and the size of its sealed body. */
    public record StoredRequest(byte[] id, String peerId, long bodyBytes) {
    }

    /** Every message request, oldest first. */
    public static List<StoredRequest> requests(Connection connection) throws SQLException {
        List<StoredRequest> requests = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT id, peer_id, length(body) FROM messages WHERE request = 1 ORDER BY seq");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                requests.add(new StoredRequest(rows.getBytes(1), rows.getString(2), rows.getLong(3)));
            }
        }
        return requests;
    }

    /** Deletes the message requests among {@code ids} (nothing else). */
    public static void dropRequests(Connection connection, List<byte[]> ids) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM messages WHERE id = ? AND request = 1")) {
            for (byte[] id : ids) {
                delete.setBytes(1, id);
                delete.executeUpdate();
            }
        }
    }

    /**
     * Up to {@code limit} messages with a peer, oldest first, ending just before {@code before}
     * (or with the newest when it is empty). Order: the sender's time, then arrival.
     */
    public static List<StoredMessage> history(Connection connection, String peerId, int limit,
                                              Optional<StoredMessage> before) throws SQLException {
        String sql = "SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE peer_id = ?"
                + (before.isPresent() ? " AND (sent_ms < ? OR (sent_ms = ? AND seq < ?))" : "")
                + " ORDER BY sent_ms DESC, seq DESC LIMIT ?";
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            int index = 1;
            query.setString(index++, peerId);
            if (before.isPresent()) {
                query.setLong(index++, before.get().sentMillis());
                query.setLong(index++, before.get().sentMillis());
                query.setLong(index++, before.get().seq());
            }
            query.setInt(index, limit);
            List<StoredMessage> newestFirst = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    newestFirst.add(read(rows));
                }
            }
            List<StoredMessage> oldestFirst = new ArrayList<>(newestFirst.size());
            for (int i = newestFirst.size() - 1; i >= 0; i--) {
                oldestFirst.add(newestFirst.get(i));
            }
            return oldestFirst;
        }
    }

    /**
     * The newest message still flagged as a request from each of up to {@code limit} peers, newest
     * first (accepting a peer as a contact clears its flags).
     */
    public static List<StoredMessage> latestRequests(Connection connection, int limit) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT " + MESSAGE_COLUMNS
                + " FROM messages WHERE seq IN (SELECT MAX(seq) FROM messages WHERE request = 1 GROUP BY peer_id)"
                + " ORDER BY seq DESC LIMIT ?")) {
            query.setInt(1, limit);
            List<StoredMessage> requests = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    requests.add(read(rows));
                }
            }
            return requests;
        }
    }

    private static StoredMessage read(ResultSet rows) throws SQLException {
        long received = rows.getLong(7);
        Long receivedMillis = rows.wasNull() ? null : received;
        return new StoredMessage(rows.getLong(1), rows.getBytes(2), rows.getString(3), rows.getString(4),
                rows.getBytes(5), rows.getLong(6), receivedMillis, rows.getString(8), rows.getString(9),
                rows.getInt(10) == 1, rows.getInt(11));
    }

    public static void enqueue(Connection connection, byte[] messageId, String peerId, byte[] envelope,
                               long expiresMillis) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO outbox (message_id, peer_id, envelope, expires_ms) VALUES (?, ?, ?, ?)")) {
            insert.setBytes(1, messageId);
            insert.setString(2, peerId);
            insert.setBytes(3, envelope);
            insert.setLong(4, expiresMillis);
            insert.executeUpdate();
        }
    }

    public static void setEnvelope(Connection connection, byte[] messageId, byte[] envelope) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE outbox SET envelope = ? WHERE message_id = ?")) {
            update.setBytes(1, envelope);
            update.setBytes(2, messageId);
            update.executeUpdate();
        }
    }

    public static void dequeue(Connection connection, byte[] messageId) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM outbox WHERE message_id = ?")) {
            delete.setBytes(1, messageId);
            delete.executeUpdate();
        }
    }

    /** The whole outbox in sending order. */
    public static List<OutboxEntry> outbox(Connection connection) throws SQLException {
        List<OutboxEntry> entries = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT m.seq, o.message_id, o.peer_id, o.envelope, o.expires_ms, m.body, m.sent_ms, m.state, m.replicas "
                        + "FROM outbox o JOIN messages m ON m.id = o.message_id ORDER BY m.seq");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                entries.add(new OutboxEntry(rows.getLong(1), rows.getBytes(2), rows.getString(3), rows.getBytes(4),
                        rows.getLong(5), rows.getBytes(6), rows.getLong(7), rows.getString(8), rows.getInt(9)));
            }
        }
        return entries;
    }

    public static void remember(Connection connection, SeenEnvelope seen) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT OR IGNORE INTO seen_envelopes (id, sender, message_id, expires_ms) VALUES (?, ?, ?, ?)")) {
            insert.setBytes(1, seen.envelopeId());
            insert.setString(2, seen.sender());
            insert.setBytes(3, seen.messageId());
            insert.setLong(4, seen.expiresMillis());
            insert.executeUpdate();
        }
    }

    /** Envelopes taken in that have not expired yet; the expired ones are forgotten. */
    public static List<SeenEnvelope> seenUnexpired(Connection connection, long nowMillis) throws SQLException {
        try (PreparedStatement prune = connection.prepareStatement("DELETE FROM seen_envelopes WHERE expires_ms <= ?")) {
            prune.setLong(1, nowMillis);
            prune.executeUpdate();
        }
        List<SeenEnvelope> seen = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT id, sender, message_id, expires_ms FROM seen_envelopes");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                seen.add(new SeenEnvelope(rows.getBytes(1), rows.getString(2), rows.getBytes(3), rows.getLong(4)));
            }
        }
        return seen;
    }
}
