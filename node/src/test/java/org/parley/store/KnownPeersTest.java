package org.parley.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownPeersTest {
    @TempDir
    Path directory;

    @Test
    void remembersTheLatestAddressMostRecentFirst() {
        try (Database database = Database.open(directory.resolve("parley.db"))) {
            remember(database, "a", "10.0.0.1:1", 100);
            remember(database, "b", "10.0.0.2:1", 200);
            remember(database, "a", "10.0.0.9:1", 300);
            assertEquals(List.of(new KnownPeers.KnownPeer("a", "10.0.0.9:1", 300),
                    new KnownPeers.KnownPeer("b", "10.0.0.2:1", 200)), mostRecent(database, 10));
            assertEquals(1, mostRecent(database, 1).size());
            database.inTransaction(connection -> {
                KnownPeers.forget(connection, "a");
                return null;
            });
            assertEquals(List.of("b"), mostRecent(database, 10).stream().map(KnownPeers.KnownPeer::peerId).toList());
        }
    }

    @Test
    void keepsOnlyTheMostRecentAndSurvivesAReopen() {
        Path file = directory.resolve("parley.db");
        try (Database database = Database.open(file)) {
            for (int i = 0; i < KnownPeers.LIMIT + 50; i++) {
                remember(database, "peer" + i, "10.0.0.1:" + (i + 1), i);
            }
        }
        try (Database database = Database.open(file)) {
            List<KnownPeers.KnownPeer> kept = mostRecent(database, 10_000);
            assertEquals(KnownPeers.LIMIT, kept.size());
            assertEquals("peer" + (KnownPeers.LIMIT + 49), kept.get(0).peerId());
            assertEquals("peer50", kept.get(kept.size() - 1).peerId());
        }
    }

    private static void remember(Database database, String peer, String address, long now) {
        database.inTransaction(connection -> {
            KnownPeers.remember(connection, peer, address, now);
            return null;
        });
    }

    private static List<KnownPeers.KnownPeer> mostRecent(Database database, int limit) {
        return database.inTransaction(connection -> KnownPeers.mostRecent(connection, limit));
    }
}
