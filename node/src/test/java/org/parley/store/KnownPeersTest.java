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
            KnownPeers peers = new KnownPeers(database);
            peers.remember("a", "10.0.0.1:1", 100);
            peers.remember("b", "10.0.0.2:1", 200);
            peers.remember("a", "10.0.0.9:1", 300);
            assertEquals(List.of(new KnownPeers.KnownPeer("a", "10.0.0.9:1", 300),
                    new KnownPeers.KnownPeer("b", "10.0.0.2:1", 200)), peers.mostRecent(10));
            assertEquals(1, peers.mostRecent(1).size());
            peers.forget("a");
            assertEquals(List.of("b"), peers.mostRecent(10).stream().map(KnownPeers.KnownPeer::peerId).toList());
        }
    }

    @Test
    void keepsOnlyTheMostRecentAndSurvivesAReopen() {
        Path file = directory.resolve("parley.db");
        try (Database database = Database.open(file)) {
            KnownPeers peers = new KnownPeers(database);
            for (int i = 0; i < KnownPeers.LIMIT + 50; i++) {
                peers.remember("peer" + i, "10.0.0.1:" + (i + 1), i);
            }
        }
        try (Database database = Database.open(file)) {
            List<KnownPeers.KnownPeer> kept = new KnownPeers(database).mostRecent(10_000);
            assertEquals(KnownPeers.LIMIT, kept.size());
            assertEquals("peer" + (KnownPeers.LIMIT + 49), kept.get(0).peerId());
            assertEquals("peer50", kept.get(kept.size() - 1).peerId());
        }
    }
}
