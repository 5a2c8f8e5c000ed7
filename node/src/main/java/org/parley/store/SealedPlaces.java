package org.parley.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.logging.Logger;

/**
 * Where each sealed value belongs, as the associated data it is sealed with: its table, its row,
 * and the columns that say whose it is (the peer, the direction, the group, the sender). A value
 * copied into another row, or a row whose peer or direction was rewritten, no longer opens.
 *
 * <p>Profiles written before this binding sealed message and group-message bodies to their ID
 * alone, and kept contact names and membership operations (the group's name, its members) in
 * clear. Schema migration 7 notes in {@code settings} whether a profile has such rows (0) or is
 * new (1); {@link #bindOnce} rewrites them the first time the profile is opened with its key, in
 * the transaction that loads it, and notes that it did. From then on only the binding below opens
 * a value, so a moved value of the old kind is refused too.
 */
public final class SealedPlaces {
    private static final Logger LOG = Logger.getLogger(SealedPlaces.class.getName());
    /** The {@code settings} key saying the rows are bound (value: the binding's version). */
    static final String BOUND_SETTING = "sealed-places";
    private static final byte VERSION = 1;
    private static final HexFormat HEX = HexFormat.of();

    private SealedPlaces() {
    }

    /** A direct message's body: its ID, the peer it is with, and whether it came in or went out. */
    public static String messageBody(byte[] messageId, String peerId, String direction) {
        return "messages.body:" + HEX.formatHex(messageId) + ":" + peerId + ":" + direction;
    }

    /** The name the user gave a contact. */
    public static String contactName(String peerId) {
        return "contacts.name:" + peerId;
    }

    /** A signed membership operation as stored (it names the group and its members). */
    public static String groupOp(byte[] groupId, byte[] opId) {
        return "group_ops.op:" + HEX.formatHex(groupId) + ":" + HEX.formatHex(opId);
    }

    /** A group message's text: its entry, its group and its sender. */
    public static String groupMessageBody(byte[] entryId, byte[] groupId, String sender) {
        return "group_log.body:" + HEX.formatHex(entryId) + ":" + HEX.formatHex(groupId) + ":" + sender;
    }

    /** A file offer (its name, hashes and key) as stored, by its file ID, peer and direction. */
    public static String fileOffer(byte[] fileId, String peerId, String direction) {
        return "files.offer:" + HEX.formatHex(fileId) + ":" + peerId + ":" + direction;
    }

    /** Where a file is on this machine (the file sent, or the download once complete). */
    public static String filePath(byte[] fileId) {
        return "files.path:" + HEX.formatHex(fileId);
    }

    /** A message's edited text: its conversation and the message it replaces the text of. */
    public static String editedBody(String conversation, byte[] target) {
        return "conversation_changes.edited_body:" + conversation + ":" + HEX.formatHex(target);
    }

    /** A person's reaction to a message: its conversation, the message and who reacted. */
    public static String reaction(String conversation, byte[] target, String reactor) {
        return "conversation_reactions.emoji:" + conversation + ":" + HEX.formatHex(target) + ":" + reactor;
    }

    /** Our action waiting in the outbox of actions: its ID and the peer it goes to. */
    public static String outgoingAction(byte[] actionId, String peerId) {
        return "action_outbox.content:" + HEX.formatHex(actionId) + ":" + peerId;
    }

    /** A peer's action held until its message comes: its conversation, its ID and who sent it. */
    public static String heldAction(String conversation, byte[] actionId, String actor) {
        return "held_actions.action:" + conversation + ":" + HEX.formatHex(actionId) + ":" + actor;
    }

    /**
     * Binds the rows of a profile written before this binding (see the class comment); does
     * nothing when they are bound already. Runs inside the caller's transaction.
     */
    public static void bindOnce(Connection connection, ContentCipher cipher) throws SQLException {
        if (isBound(connection)) {
            return;
        }
        int rows = rebindMessages(connection, cipher) + sealContactNames(connection, cipher)
                + sealGroupOps(connection, cipher) + rebindGroupMessages(connection, cipher);
        try (PreparedStatement mark = connection.prepareStatement(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")) {
            mark.setString(1, BOUND_SETTING);
            mark.setBytes(2, new byte[] {VERSION});
            mark.executeUpdate();
        }
        if (rows > 0) {
            LOG.info("bound " + rows + " stored values to their places");
        }
    }

    private static boolean isBound(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT value FROM settings WHERE key = ?")) {
            query.setString(1, BOUND_SETTING);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() && rows.getBytes(1).length == 1 && rows.getBytes(1)[0] >= VERSION;
            }
        }
    }

    private static int rebindMessages(Connection connection, ContentCipher cipher) throws SQLException {
        List<Object[]> updates = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT seq, id, peer_id, direction, body FROM messages");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                byte[] id = rows.getBytes(2);
                byte[] body = cipher.open(rows.getBytes(5), "message:" + HEX.formatHex(id));
                updates.add(new Object[] {cipher.seal(body, messageBody(id, rows.getString(3), rows.getString(4))),
                        rows.getLong(1)});
            }
        }
        return update(connection, "UPDATE messages SET body = ? WHERE seq = ?", updates);
    }

    private static int sealContactNames(Connection connection, ContentCipher cipher) throws SQLException {
        List<Object[]> updates = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT peer_id, name FROM contacts");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                String peer = rows.getString(1);
                byte[] name = rows.getString(2).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                updates.add(new Object[] {cipher.seal(name, contactName(peer)), peer});
            }
        }
        return update(connection, "UPDATE contacts SET name = ? WHERE peer_id = ?", updates);
    }

    private static int sealGroupOps(Connection connection, ContentCipher cipher) throws SQLException {
        List<Object[]> updates = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT op_id, group_id, op FROM group_ops");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                byte[] opId = rows.getBytes(1);
                updates.add(new Object[] {cipher.seal(rows.getBytes(3), groupOp(rows.getBytes(2), opId)), opId});
            }
        }
        return update(connection, "UPDATE group_ops SET op = ? WHERE op_id = ?", updates);
    }

    private static int rebindGroupMessages(Connection connection, ContentCipher cipher) throws SQLException {
        List<Object[]> updates = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT entry_id, group_id, sender, body FROM group_log");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                byte[] entryId = rows.getBytes(1);
                byte[] body = cipher.open(rows.getBytes(4), "group-message:" + HEX.formatHex(entryId));
                updates.add(new Object[] {cipher.seal(body, groupMessageBody(entryId, rows.getBytes(2),
                        rows.getString(3))), entryId});
            }
        }
        return update(connection, "UPDATE group_log SET body = ? WHERE entry_id = ?", updates);
    }

    private static int update(Connection connection, String sql, List<Object[]> updates) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (Object[] update : updates) {
                statement.setBytes(1, (byte[]) update[0]);
                statement.setObject(2, update[1]);
                statement.executeUpdate();
            }
        }
        return updates.size();
    }
}
