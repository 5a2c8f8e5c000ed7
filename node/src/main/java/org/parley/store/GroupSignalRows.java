package org.parley.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Typing indicators per group (decision 0060): the user's switch, off for a group without a row.
 * Called inside a transaction of the {@link StorageQueue}.
 */
public final class GroupSignalRows {
    private GroupSignalRows() {
    }

    /** The IDs of the groups the user turned typing indicators on for. */
    public static List<byte[]> typingOn(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT group_id FROM group_signals WHERE typing = 1")) {
            List<byte[]> groups = new ArrayList<>();
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    groups.add(result.getBytes(1));
                }
            }
            return groups;
        }
    }

    public static void setTyping(Connection connection, byte[] groupId, boolean typing) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO group_signals (group_id, typing) "
                + "VALUES (?, ?) ON CONFLICT (group_id) DO UPDATE SET typing = excluded.typing")) {
            upsert.setBytes(1, groupId);
            upsert.setInt(2, typing ? 1 : 0);
            upsert.executeUpdate();
        }
    }
}
