package org.parley.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Group posts this node holds as a replica for members who are away. A post is stored as it
 * travelled: signed, its text encrypted under the sender's key, which a replica does not have, so
 * there is nothing for the content key to hide. Called inside a transaction of the {@link StorageQueue}.
 */
public final class HeldGroupPostRows {
    /** One held post; {@code cursor} orders a topic's posts as they arrived. */
    public record HeldPostRow(byte[] id, long cursor, String topic, String depositor, long expiresMillis, byte[] post) {
    }

    private HeldGroupPostRows() {
    }

    public static void put(Connection connection, HeldPostRow row) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT OR IGNORE INTO held_group_posts (id, cursor, topic, depositor, expires_ms, post) "
                        + "VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setBytes(1, row.id());
            insert.setLong(2, row.cursor());
            insert.setString(3, row.topic());
            insert.setString(4, row.depositor());
            insert.setLong(5, row.expiresMillis());
            insert.setBytes(6, row.post());
            insert.executeUpdate();
        }
    }

    public static void delete(Connection connection, List<byte[]> ids) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM held_group_posts WHERE id = ?")) {
            for (byte[] id : ids) {
                delete.setBytes(1, id);
                delete.addBatch();
            }
            delete.executeBatch();
        }
    }

    /** Every held post that has not expired, in the order taken; the expired ones are dropped. */
    public static List<HeldPostRow> unexpired(Connection connection, long nowMillis) throws SQLException {
        try (PreparedStatement prune = connection.prepareStatement(
                "DELETE FROM held_group_posts WHERE expires_ms <= ?")) {
            prune.setLong(1, nowMillis);
            prune.executeUpdate();
        }
        List<HeldPostRow> rows = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT id, cursor, topic, depositor, expires_ms, post FROM held_group_posts ORDER BY cursor");
             ResultSet result = query.executeQuery()) {
            while (result.next()) {
                rows.add(new HeldPostRow(result.getBytes(1), result.getLong(2), result.getString(3),
                        result.getString(4), result.getLong(5), result.getBytes(6)));
            }
        }
        return rows;
    }
}
