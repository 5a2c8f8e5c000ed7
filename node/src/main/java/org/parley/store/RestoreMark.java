package org.parley.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A mark in a database restored from a backup: our own group sender keys in it may have been used
 * further by the machine the backup came from, so the node replaces them at its next start and
 * then clears the mark.
 */
public final class RestoreMark {
    private static final String KEY = "restored-from-backup";

    private RestoreMark() {
    }

    public static void set(Connection connection) throws SQLException {
        try (PreparedStatement put = connection.prepareStatement(
                "INSERT OR REPLACE INTO settings (key, value) VALUES (?, x'01')")) {
            put.setString(1, KEY);
            put.executeUpdate();
        }
    }

    public static boolean isSet(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM settings WHERE key = ?")) {
            query.setString(1, KEY);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    public static void clear(Connection connection) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM settings WHERE key = ?")) {
            delete.setString(1, KEY);
            delete.executeUpdate();
        }
    }
}
