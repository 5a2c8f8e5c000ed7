package org.parley.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Files offered in messages, sent or received (table {@code files}): the sealed offer, the state
 * the user sees, the bitmap of chunks held, the sealed path once there is one.
 */
public final class FileRows {
    /**
     * @param offer the serialized offer, sealed ({@link SealedPlaces#fileOffer})
     * @param held bitmap of chunks held, chunk i as bit i%8 of byte i/8
     * @param path the path, sealed ({@link SealedPlaces#filePath}); null while there is none
     * @param groupId the group it was offered to (then {@code messageId} is the post's entry ID); null
     *     for a direct message
     * @param progressMillis when a download last made progress ({@link #setProgress}); 0 when never stored
     */
    public record StoredFile(byte[] fileId, byte[] messageId, String peerId, String direction, byte[] offer,
                             String state, byte[] held, byte[] path, String reason, long createdMillis,
                             byte[] groupId, long progressMillis) {
        /** A file as it is first stored, offered to a group or (with a null {@code groupId}) in a direct message. */
        public StoredFile(byte[] fileId, byte[] messageId, String peerId, String direction, byte[] offer,
                          String state, byte[] held, byte[] path, String reason, long createdMillis,
                          byte[] groupId) {
            this(fileId, messageId, peerId, direction, offer, state, held, path, reason, createdMillis, groupId, 0);
        }

        /** A file offered in a direct message. */
        public StoredFile(byte[] fileId, byte[] messageId, String peerId, String direction, byte[] offer,
                          String state, byte[] held, byte[] path, String reason, long createdMillis) {
            this(fileId, messageId, peerId, direction, offer, state, held, path, reason, createdMillis, null);
        }
    }

    private FileRows() {
    }

    /** Inserts a file; false when one with its ID is already there (the same offer seen twice). */
    public static boolean insertIfAbsent(Connection connection, StoredFile file) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO files (file_id, message_id, peer_id, direction, offer, state, held, path, reason, created_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (file_id) DO NOTHING""")) {
            insert.setBytes(1, file.fileId());
            insert.setBytes(2, file.messageId());
            insert.setString(3, file.peerId());
            insert.setString(4, file.direction());
            insert.setBytes(5, file.offer());
            insert.setString(6, file.state());
            insert.setBytes(7, file.held());
            insert.setBytes(8, file.path());
            insert.setString(9, file.reason());
            insert.setLong(10, file.createdMillis());
            if (insert.executeUpdate() == 0) {
                return false;
            }
        }
        if (file.groupId() != null) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO group_files (file_id, group_id) VALUES (?, ?) ON CONFLICT (file_id) DO NOTHING")) {
                insert.setBytes(1, file.fileId());
                insert.setBytes(2, file.groupId());
                insert.executeUpdate();
            }
        }
        return true;
    }

    public static void setMessage(Connection connection, byte[] fileId, byte[] messageId) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE files SET message_id = ? WHERE file_id = ?")) {
            update.setBytes(1, messageId);
            update.setBytes(2, fileId);
            update.executeUpdate();
        }
    }

    /** Forgets a file (an offer that could not be sent). */
    public static void delete(Connection connection, byte[] fileId) throws SQLException {
        try (PreparedStatement group = connection.prepareStatement("DELETE FROM group_files WHERE file_id = ?");
             PreparedStatement progress = connection.prepareStatement("DELETE FROM file_progress WHERE file_id = ?");
             PreparedStatement file = connection.prepareStatement("DELETE FROM files WHERE file_id = ?")) {
            group.setBytes(1, fileId);
            group.executeUpdate();
            progress.setBytes(1, fileId);
            progress.executeUpdate();
            file.setBytes(1, fileId);
            file.executeUpdate();
        }
    }

    public static void setHeld(Connection connection, byte[] fileId, byte[] held) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE files SET held = ? WHERE file_id = ?")) {
            update.setBytes(1, held);
            update.setBytes(2, fileId);
            update.executeUpdate();
        }
    }

    /** Stores when a download last made progress, the time its expiry counts from. */
    public static void setProgress(Connection connection, byte[] fileId, long millis) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO file_progress (file_id, progress_ms) VALUES (?, ?)
                ON CONFLICT (file_id) DO UPDATE SET progress_ms = excluded.progress_ms""")) {
            upsert.setBytes(1, fileId);
            upsert.setLong(2, millis);
            upsert.executeUpdate();
        }
    }

    public static void setState(Connection connection, byte[] fileId, String state, byte[] path, String reason)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE files SET state = ?, path = COALESCE(?, path), reason = ? WHERE file_id = ?")) {
            update.setString(1, state);
            update.setBytes(2, path);
            update.setString(3, reason);
            update.setBytes(4, fileId);
            update.executeUpdate();
        }
    }

    public static List<StoredFile> all(Connection connection) throws SQLException {
        List<StoredFile> files = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT f.file_id, f.message_id, f.peer_id, f.direction, f.offer, f.state, f.held, f.path, f.reason,
                       f.created_ms, g.group_id, p.progress_ms
                FROM files f LEFT JOIN group_files g ON g.file_id = f.file_id
                LEFT JOIN file_progress p ON p.file_id = f.file_id ORDER BY f.created_ms""");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                files.add(new StoredFile(rows.getBytes(1), rows.getBytes(2), rows.getString(3), rows.getString(4),
                        rows.getBytes(5), rows.getString(6), rows.getBytes(7), rows.getBytes(8), rows.getString(9),
                        rows.getLong(10), rows.getBytes(11), rows.getLong(12)));
            }
        }
        return files;
    }
}
