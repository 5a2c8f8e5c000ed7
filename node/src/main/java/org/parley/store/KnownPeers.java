package org.parley.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Neighbours this node has been linked with, and where they listen, so that a restarted node
 * finds its way back into the network without its bootstrap peers. Bounded: only the most
 * recently seen are kept. Called inside a transaction of the {@link StorageQueue}.
 */
public final class KnownPeers {
    /** More than a node ever needs to rejoin; old entries are mostly stale addresses. */
    public static final int LIMIT = 256;

    /** A remembered neighbour (the peer ID as text: the store does not interpret it). */
    public record KnownPeer(String peerId, String address, long lastSeenMillis) {
    }

    private KnownPeers() {
    }

    /** Records that {@code peerId} was reachable at {@code address} at {@code nowMillis}. */
    public static void remember(Connection connection, String peerId, String address, long nowMillis)
            throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO known_peers (peer_id, address, last_seen_ms) VALUES (?, ?, ?)
                ON CONFLICT (peer_id) DO UPDATE SET address = excluded.address,
                                                    last_seen_ms = excluded.last_seen_ms""");
             PreparedStatement prune = connection.prepareStatement("""
                DELETE FROM known_peers WHERE peer_id NOT IN
                    (SELECT peer_id FROM known_peers ORDER BY last_seen_ms DESC, peer_id LIMIT ?)""")) {
            upsert.setString(1, peerId);
            upsert.setString(2, address);
            upsert.setLong(3, nowMillis);
            upsert.executeUpdate();
            prune.setInt(1, LIMIT);
            prune.executeUpdate();
        }
    }

    /** The most recently seen first, at most {@code limit}. */
    public static List<KnownPeer> mostRecent(Connection connection, int limit) throws SQLException {
        List<KnownPeer> peers = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT peer_id, address, last_seen_ms FROM known_peers ORDER BY last_seen_ms DESC, peer_id LIMIT ?")) {
            query.setInt(1, limit);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    peers.add(new KnownPeer(rows.getString(1), rows.getString(2), rows.getLong(3)));
                }
            }
        }
        return peers;
    }

    public static void forget(Connection connection, String peerId) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM known_peers WHERE peer_id = ?")) {
            delete.setString(1, peerId);
            delete.executeUpdate();
        }
    }
}
