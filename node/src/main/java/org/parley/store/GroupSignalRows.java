package org.parley.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Typing indicators and read marks per group (decisions 0060, 0062): the user's switches, off for
 * a group without a row, and how far each member read each group. Called inside a transaction of
 * the {@link StorageQueue}.
 */
public final class GroupSignalRows {
    /** How far {@code member} read a group: up to the entry at this log position. */
    public record Mark(byte[] groupId, String member, long lamport, byte[] entryId) {
    }

    private GroupSignalRows() {
    }

    /** The IDs of the groups the user turned typing indicators on for. */
    public static List<byte[]> typingOn(Connection connection) throws SQLException {
        return groupsWith(connection, "typing");
    }

    /** The IDs of the groups the user turned read receipts on for. */
    public static List<byte[]> readReceiptsOn(Connection connection) throws SQLException {
        return groupsWith(connection, "read_receipts");
    }

    public static void setTyping(Connection connection, byte[] groupId, boolean typing) throws SQLException {
        set(connection, "typing", groupId, typing);
    }

    public static void setReadReceipts(Connection connection, byte[] groupId, boolean on) throws SQLException {
        set(connection, "read_receipts", groupId, on);
    }

    /** Every member's mark in every group. */
    public static List<Mark> marks(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT group_id, member, lamport, entry_id FROM group_read_marks")) {
            List<Mark> marks = new ArrayList<>();
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    marks.add(new Mark(result.getBytes(1), result.getString(2), result.getLong(3), result.getBytes(4)));
                }
            }
            return marks;
        }
    }

    /** Moves a member's mark to {@code mark} if that is later in log order; whether it moved (never back). */
    public static boolean moveMark(Connection connection, Mark mark) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO group_read_marks "
                + "(group_id, member, lamport, entry_id) VALUES (?, ?, ?, ?) ON CONFLICT (group_id, member) "
                + "DO UPDATE SET lamport = excluded.lamport, entry_id = excluded.entry_id "
                + "WHERE (excluded.lamport, excluded.entry_id) > (lamport, entry_id)")) {
            upsert.setBytes(1, mark.groupId());
            upsert.setString(2, mark.member());
            upsert.setLong(3, mark.lamport());
            upsert.setBytes(4, mark.entryId());
            return upsert.executeUpdate() > 0;
        }
    }

    private static List<byte[]> groupsWith(Connection connection, String column) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT group_id FROM group_signals WHERE " + column + " = 1")) {
            List<byte[]> groups = new ArrayList<>();
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    groups.add(result.getBytes(1));
                }
            }
            return groups;
        }
    }

    private static void set(Connection connection, String column, byte[] groupId, boolean on) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO group_signals (group_id, " + column
                + ") VALUES (?, ?) ON CONFLICT (group_id) DO UPDATE SET " + column + " = excluded." + column)) {
            upsert.setBytes(1, groupId);
            upsert.setInt(2, on ? 1 : 0);
            upsert.executeUpdate();
        }
    }
}
