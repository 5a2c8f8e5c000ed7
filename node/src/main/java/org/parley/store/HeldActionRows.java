package org.parley.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reactions, edits and deletions that came before the message they name (schema migration 10),
 * per conversation, until that message comes or their hold ends. Called inside a transaction of
 * the {@link StorageQueue}; the actions arrive here already sealed.
 */
public final class HeldActionRows {
    /** A held action: {@code action} is sealed; {@code actor} is who sent it, as the session proved. */
    public record Held(String conversation, byte[] actionId, byte[] target, String actor, byte[] action, long order,
                       long heldUntilMillis) {
    }

    private HeldActionRows() {
    }

    /** Holds an action unless one with its ID is held already; whether it did. */
    public static boolean hold(Connection connection, Held held) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT OR IGNORE INTO held_actions "
                + "(conversation, action_id, target, actor, action, action_order, held_until) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, held.conversation());
            insert.setBytes(2, held.actionId());
            insert.setBytes(3, held.target());
            insert.setString(4, held.actor());
            insert.setBytes(5, held.action());
            insert.setLong(6, held.order());
            insert.setLong(7, held.heldUntilMillis());
            return insert.executeUpdate() == 1;
        }
    }

    /** Forgets every held action whose hold ended by {@code nowMillis}. */
    public static void expire(Connection connection, long nowMillis) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM held_actions WHERE held_until <= ?")) {
            delete.setLong(1, nowMillis);
            delete.executeUpdate();
        }
    }

    /** How many actions are held in a conversation. */
    public static int count(Connection connection, String conversation) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT COUNT(*) FROM held_actions WHERE conversation = ?")) {
            query.setString(1, conversation);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getInt(1) : 0;
            }
        }
    }

    /** Takes (reads and forgets) the actions held for a message, oldest order first. */
    public static List<Held> take(Connection connection, String conversation, byte[] target) throws SQLException {
        List<Held> held = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT action_id, actor, action, action_order, "
                + "held_until FROM held_actions WHERE conversation = ? AND target = ? ORDER BY action_order, action_id")) {
            query.setString(1, conversation);
            query.setBytes(2, target);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    held.add(new Held(conversation, rows.getBytes(1), target, rows.getString(2), rows.getBytes(3),
                            rows.getLong(4), rows.getLong(5)));
                }
            }
        }
        if (!held.isEmpty()) {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM held_actions WHERE conversation = ? AND target = ?")) {
                delete.setString(1, conversation);
                delete.setBytes(2, target);
                delete.executeUpdate();
            }
        }
        return held;
    }
}
