package org.parley.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a node keeps about other peers for messaging: contacts, their prekey bundles, our
 * sessions with them, our own prekeys, and counts of what they sent that we refused.
 */
public final class PeerRows {
    public record Contact(String peerId, byte[] sealedName, String status, long addedMillis) {
    }

    /**
     * A session with a peer; {@code record} is sealed with the content key. Storing it deletes the
     * peer's sessions named in {@code dropped}.
     */
    public record Session(String peerId, byte[] sessionId, byte[] record, boolean active, List<byte[]> dropped) {
        public Session(String peerId, byte[] sessionId, byte[] record, boolean active) {
            this(peerId, sessionId, record, active, List.of());
        }
    }

    public record Bundle(String peerId, byte[] bundle) {
    }

    /** One of our signed prekeys; {@code privateKey} is sealed with the content key. */
    public record Prekey(int id, byte[] privateKey, long createdMillis) {
    }

    public record Counter(String peerId, String kind, long count) {
    }

    private PeerRows() {
    }

    public static void putContact(Connection connection, Contact contact) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO contacts (peer_id, name, status, added_ms) VALUES (?, ?, ?, ?)
                ON CONFLICT (peer_id) DO UPDATE SET name = excluded.name, status = excluded.status""")) {
            upsert.setString(1, contact.peerId());
            upsert.setBytes(2, contact.sealedName());
            upsert.setString(3, contact.status());
            upsert.setLong(4, contact.addedMillis());
            upsert.executeUpdate();
        }
    }

    public static boolean removeContact(Connection connection, String peerId) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM contacts WHERE peer_id = ?")) {
            delete.setString(1, peerId);
            return delete.executeUpdate() > 0;
        }
    }

    public static List<Contact> contacts(Connection connection) throws SQLException {
        List<Contact> contacts = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT peer_id, name, status, added_ms FROM contacts ORDER BY peer_id");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                contacts.add(new Contact(rows.getString(1), rows.getBytes(2), rows.getString(3), rows.getLong(4)));
            }
        }
        return contacts;
    }

    public static void putSession(Connection connection, Session session) throws SQLException {
        if (!session.dropped().isEmpty()) {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM sessions WHERE peer_id = ? AND session_id = ?")) {
                for (byte[] dropped : session.dropped()) {
                    delete.setString(1, session.peerId());
                    delete.setBytes(2, dropped);
                    delete.addBatch();
                }
                delete.executeBatch();
            }
        }
        if (session.active()) {
            try (PreparedStatement others = connection.prepareStatement(
                    "UPDATE sessions SET active = 0 WHERE peer_id = ? AND session_id <> ? AND active = 1")) {
                others.setString(1, session.peerId());
                others.setBytes(2, session.sessionId());
                others.executeUpdate();
            }
        }
        try (PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO sessions (peer_id, session_id, record, active) VALUES (?, ?, ?, ?)
                ON CONFLICT (peer_id, session_id) DO UPDATE SET record = excluded.record,
                                                                active = excluded.active""")) {
            upsert.setString(1, session.peerId());
            upsert.setBytes(2, session.sessionId());
            upsert.setBytes(3, session.record());
            upsert.setInt(4, session.active() ? 1 : 0);
            upsert.executeUpdate();
        }
    }

    /** Makes no session active: each peer's next message starts a new one (see {@link DatabaseSnapshot}). */
    public static void retireSessions(Connection connection) throws SQLException {
        try (PreparedStatement retire = connection.prepareStatement("UPDATE sessions SET active = 0")) {
            retire.executeUpdate();
        }
    }

    public static List<Session> sessions(Connection connection) throws SQLException {
        List<Session> sessions = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT peer_id, session_id, record, active FROM sessions");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                sessions.add(new Session(rows.getString(1), rows.getBytes(2), rows.getBytes(3), rows.getInt(4) == 1));
            }
        }
        return sessions;
    }

    public static void putBundle(Connection connection, Bundle bundle) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO peer_bundles (peer_id, bundle) VALUES (?, ?)
                ON CONFLICT (peer_id) DO UPDATE SET bundle = excluded.bundle""")) {
            upsert.setString(1, bundle.peerId());
            upsert.setBytes(2, bundle.bundle());
            upsert.executeUpdate();
        }
    }

    public static List<Bundle> bundles(Connection connection) throws SQLException {
        List<Bundle> bundles = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT peer_id, bundle FROM peer_bundles");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                bundles.add(new Bundle(rows.getString(1), rows.getBytes(2)));
            }
        }
        return bundles;
    }

    public static void putPrekey(Connection connection, Prekey prekey) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO own_prekeys (id, private_key, created_ms) VALUES (?, ?, ?)")) {
            insert.setInt(1, prekey.id());
            insert.setBytes(2, prekey.privateKey());
            insert.setLong(3, prekey.createdMillis());
            insert.executeUpdate();
        }
    }

    public static void deletePrekey(Connection connection, int id) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM own_prekeys WHERE id = ?")) {
            delete.setInt(1, id);
            delete.executeUpdate();
        }
    }

    public static List<Prekey> prekeys(Connection connection) throws SQLException {
        List<Prekey> prekeys = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT id, private_key, created_ms FROM own_prekeys ORDER BY id");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                prekeys.add(new Prekey(rows.getInt(1), rows.getBytes(2), rows.getLong(3)));
            }
        }
        return prekeys;
    }

    public static void count(Connection connection, String peerId, String kind) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO peer_counters (peer_id, kind, count) VALUES (?, ?, 1)
                ON CONFLICT (peer_id, kind) DO UPDATE SET count = count + 1""")) {
            upsert.setString(1, peerId);
            upsert.setString(2, kind);
            upsert.executeUpdate();
        }
    }

    public static List<Counter> counters(Connection connection) throws SQLException {
        List<Counter> counters = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT peer_id, kind, count FROM peer_counters");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                counters.add(new Counter(rows.getString(1), rows.getString(2), rows.getLong(3)));
            }
        }
        return counters;
    }
}
