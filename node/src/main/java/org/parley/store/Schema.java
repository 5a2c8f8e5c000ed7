package org.parley.store;

import java.util.List;

/** Every migration, in order. The schema version is SQLite's {@code PRAGMA user_version}. */
final class Schema {
    static final List<Migration> MIGRATIONS = List.of(
            new Migration(1,
                    // Neighbours worth redialing after a restart.
                    """
                    CREATE TABLE known_peers (
                        peer_id      TEXT PRIMARY KEY,
                        address      TEXT NOT NULL,
                        last_seen_ms INTEGER NOT NULL
                    )""",
                    "CREATE INDEX known_peers_by_last_seen ON known_peers (last_seen_ms DESC)",
                    """
                    CREATE TABLE settings (
                        key   TEXT PRIMARY KEY,
                        value BLOB NOT NULL
                    )"""));

    static int latestVersion() {
        return MIGRATIONS.get(MIGRATIONS.size() - 1).version();
    }

    private Schema() {
    }
}
