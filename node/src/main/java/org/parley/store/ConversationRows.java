package org.parley.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Replies, edits, deletions and reactions (schema migration 8), per conversation: {@code "dm:"}
 * and a peer ID, or {@code "group:"} and a group ID in hex. Called inside a transaction of the
 * {@link StorageQueue}; edited texts and emoji arrive here already sealed. Which change may be
 * written is decided above (org.parley.messaging.ConversationRules), not here.
 */
public final class ConversationRows {
    /** The newest edit of a message ({@code editedBody} null when none), or its deletion. */
    public record Change(byte[] editedBody, long order, byte[] changeId, boolean deleted) {
    }

    /** One person's reaction; {@code emoji} sealed, and empty once opened when taken back. */
    public record Reaction(String reactor, byte[] emoji, long order, byte[] reactionId) {
    }

    private ConversationRows() {
    }

    /** The conversation of direct messages with a peer. */
    public static String direct(String peerId) {
        return "dm:" + peerId;
    }

    /** The conversation of a group, by its ID in hex. */
    public static String group(String groupIdHex) {
        return "group:" + groupIdHex;
    }

    public static void putReply(Connection connection, String conversation, byte[] message, byte[] replyTo)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT OR IGNORE INTO conversation_replies (conversation, message, reply_to) VALUES (?, ?, ?)")) {
            insert.setString(1, conversation);
            insert.setBytes(2, message);
            insert.setBytes(3, replyTo);
            insert.executeUpdate();
        }
    }

    public static Optional<byte[]> replyTo(Connection connection, String conversation, byte[] message)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT reply_to FROM conversation_replies WHERE conversation = ? AND message = ?")) {
            query.setString(1, conversation);
            query.setBytes(2, message);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(rows.getBytes(1)) : Optional.empty();
            }
        }
    }

    public static Optional<Change> change(Connection connection, String conversation, byte[] target)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT edited_body, change_order, change_id, deleted "
                + "FROM conversation_changes WHERE conversation = ? AND target = ?")) {
            query.setString(1, conversation);
            query.setBytes(2, target);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(new Change(rows.getBytes(1), rows.getLong(2), rows.getBytes(3),
                        rows.getInt(4) == 1)) : Optional.empty();
            }
        }
    }

    public static void putChange(Connection connection, String conversation, byte[] target, Change change)
            throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(
                "INSERT INTO conversation_changes (conversation, target, edited_body, change_order, change_id, deleted) "
                        + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (conversation, target) DO UPDATE SET "
                        + "edited_body = excluded.edited_body, change_order = excluded.change_order, "
                        + "change_id = excluded.change_id, deleted = excluded.deleted")) {
            upsert.setString(1, conversation);
            upsert.setBytes(2, target);
            upsert.setBytes(3, change.editedBody());
            upsert.setLong(4, change.order());
            upsert.setBytes(5, change.changeId());
            upsert.setInt(6, change.deleted() ? 1 : 0);
            upsert.executeUpdate();
        }
    }

    public static Optional<Reaction> reaction(Connection connection, String conversation, byte[] target, String reactor)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT reactor, emoji, reaction_order, reaction_id "
                + "FROM conversation_reactions WHERE conversation = ? AND target = ? AND reactor = ?")) {
            query.setString(1, conversation);
            query.setBytes(2, target);
            query.setString(3, reactor);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(read(rows)) : Optional.empty();
            }
        }
    }

    public static void putReaction(Connection connection, String conversation, byte[] target, Reaction reaction)
            throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(
                "INSERT INTO conversation_reactions (conversation, target, reactor, emoji, reaction_order, reaction_id) "
                        + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (conversation, target, reactor) DO UPDATE SET "
                        + "emoji = excluded.emoji, reaction_order = excluded.reaction_order, "
                        + "reaction_id = excluded.reaction_id")) {
            upsert.setString(1, conversation);
            upsert.setBytes(2, target);
            upsert.setString(3, reaction.reactor());
            upsert.setBytes(4, reaction.emoji());
            upsert.setLong(5, reaction.order());
            upsert.setBytes(6, reaction.reactionId());
            upsert.executeUpdate();
        }
    }

    /** Every reaction to a message, by reactor. */
    public static List<Reaction> reactions(Connection connection, String conversation, byte[] target)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT reactor, emoji, reaction_order, reaction_id "
                + "FROM conversation_reactions WHERE conversation = ? AND target = ? ORDER BY reactor")) {
            query.setString(1, conversation);
            query.setBytes(2, target);
            List<Reaction> reactions = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    reactions.add(read(rows));
                }
            }
            return reactions;
        }
    }

    /** Forgets every reaction to a deleted message. */
    public static void dropReactions(Connection connection, String conversation, byte[] target) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM conversation_reactions WHERE conversation = ? AND target = ?")) {
            delete.setString(1, conversation);
            delete.setBytes(2, target);
            delete.executeUpdate();
        }
    }

    /** Replaces a direct message's stored body (with a sealed empty text, once it is deleted). */
    public static void replaceMessageBody(Connection connection, byte[] messageId, byte[] sealedBody)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE messages SET body = ? WHERE id = ?")) {
            update.setBytes(1, sealedBody);
            update.setBytes(2, messageId);
            update.executeUpdate();
        }
    }

    /** Replaces a group message's stored text (with a sealed empty text, once it is deleted). */
    public static void replaceGroupBody(Connection connection, byte[] entryId, byte[] sealedBody) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE group_log SET body = ? WHERE entry_id = ?")) {
            update.setBytes(1, sealedBody);
            update.setBytes(2, entryId);
            update.executeUpdate();
        }
    }

    /** Notes that a group log entry carries an action, not a message: history leaves it out. */
    public static void markActionEntry(Connection connection, byte[] entryId) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT OR IGNORE INTO group_action_entries (entry_id) VALUES (?)")) {
            insert.setBytes(1, entryId);
            insert.executeUpdate();
        }
    }

    /** Every group log entry that carries an action, with its group: what a group's message count leaves out. */
    public static List<byte[][]> actionEntries(Connection connection) throws SQLException {
        List<byte[][]> entries = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT l.group_id, l.entry_id FROM group_action_entries a JOIN group_log l ON l.entry_id = a.entry_id");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                entries.add(new byte[][] {rows.getBytes(1), rows.getBytes(2)});
            }
        }
        return entries;
    }

    private static Reaction read(ResultSet rows) throws SQLException {
        return new Reaction(rows.getString(1), rows.getBytes(2), rows.getLong(3), rows.getBytes(4));
    }
}
