package org.parley.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Relay contacts: peers that hold our mail ({@code for_us}) and peers whose mail we offered to
 * hold ({@code for_them}). Called inside a transaction of the {@link StorageQueue}.
 */
public final class RelayRows {
    public static final String FOR_US = "for_us";
    public static final String FOR_THEM = "for_them";

    /** One relay arrangement; {@code accepted} is the other side's yes for {@code for_them}. */
    public record RelayRow(String peerId, String role, boolean accepted) {
    }

    private RelayRows() {
    }

    public static void put(Connection connection, RelayRow row) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT OR REPLACE INTO mail_relays (peer_id, role, accepted) VALUES (?, ?, ?)")) {
            insert.setString(1, row.peerId());
            insert.setString(2, row.role());
            insert.setInt(3, row.accepted() ? 1 : 0);
            insert.executeUpdate();
        }
    }

    public static void delete(Connection connection, String peerId, String role) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM mail_relays WHERE peer_id = ? AND role = ?")) {
            delete.setString(1, peerId);
            delete.setString(2, role);
            delete.executeUpdate();
        }
    }

    /** Every arrangement, in the order made. */
    public static List<RelayRow> all(Connection connection) throws SQLException {
        List<RelayRow> rows = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT peer_id, role, accepted FROM mail_relays ORDER BY rowid");
             ResultSet result = query.executeQuery()) {
            while (result.next()) {
                rows.add(new RelayRow(result.getString(1), result.getString(2), result.getInt(3) != 0));
            }
        }
        return rows;
    }
}
