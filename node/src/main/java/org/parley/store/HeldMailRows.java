package org.parley.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Envelopes this node holds as a mailbox replica for other peers. The envelope is stored as it
 * came (signed, its payload encrypted end to end): a replica cannot read it, so there is nothing
 * for the content key to hide. Called inside a transaction of the {@link StorageQueue}.
 */
public final class HeldMailRows {
    /** One held envelope; {@code seq} keeps the order in which it was taken. */
    public record HeldRow(byte[] id, long seq, String recipient, String sender, long expiresMillis, byte[] envelope) {
    }

    private HeldMailRows() {
    }

    public static void put(Connection connection, HeldRow row) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT OR IGNORE INTO held_mail (id, seq, recipient, sender, expires_ms, envelope) "
                        + "VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setBytes(1, row.id());
            insert.setLong(2, row.seq());
            insert.setString(3, row.recipient());
            insert.setString(4, row.sender());
            insert.setLong(5, row.expiresMillis());
            insert.setBytes(6, row.envelope());
            insert.executeUpdate();
        }
    }

    public static void delete(Connection connection, List<byte[]> ids) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM held_mail WHERE id = ?")) {
            for (byte[] id : ids) {
                delete.setBytes(1, id);
                delete.addBatch();
            }
            delete.executeBatch();
        }
    }

    /** Every held envelope that has not expired, in the order taken; the expired ones are dropped. */
    public static List<HeldRow> unexpired(Connection connection, long nowMillis) throws SQLException {
        try (PreparedStatement prune = connection.prepareStatement("DELETE FROM held_mail WHERE expires_ms <= ?")) {
            prune.setLong(1, nowMillis);
            prune.executeUpdate();
        }
        List<HeldRow> rows = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT id, seq, recipient, sender, expires_ms, envelope FROM held_mail ORDER BY seq");
             ResultSet result = query.executeQuery()) {
            while (result.next()) {
                rows.add(new HeldRow(result.getBytes(1), result.getLong(2), result.getString(3), result.getString(4),
                        result.getLong(5), result.getBytes(6)));
            }
        }
        return rows;
    }
}
