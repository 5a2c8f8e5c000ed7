package org.parley.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue commits what queued up while it was busy in one transaction. Each test holds it busy,
 * queues a batch, then lets it go, so the batch is known.
 */
class GroupCommitQueueTest {
    @TempDir
    Path directory;

    private Database database;
    private GroupCommitQueue queue;
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void open() throws Exception {
        database = Database.open(directory.resolve("parley.db"));
        queue = new GroupCommitQueue(database);
        queue.submit(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE log (entry TEXT)");
            }
            return null;
        }).get(10, TimeUnit.SECONDS);
        queue.submit(connection -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
    }

    @AfterEach
    void close() {
        release.countDown();
        queue.close();
        database.close();
    }

    @Test
    void ofTheLatestWritesSharingAKeyOnlyTheLastRunsAfterTheirWork() throws Exception {
        List<CompletableFuture<String>> results = new ArrayList<>();
        results.add(queue.submit(log("work 1"), "session", log("state 1")));
        results.add(queue.submit(log("work 2"), "other session", log("other state")));
        results.add(queue.submit(log("work 3"), "session", log("state 3")));
        release.countDown();
        for (CompletableFuture<String> result : results) {
            result.get(10, TimeUnit.SECONDS);
        }
        assertEquals(List.of("work 1", "work 2", "work 3", "other state", "state 3"), entries());
    }

    @Test
    void aFailedPieceLeavesTheLatestWriteOfTheLastOneThatSucceeded() throws Exception {
        CompletableFuture<String> first = queue.submit(log("work 1"), "session", log("state 1"));
        CompletableFuture<String> failed = queue.submit(connection -> {
            log("work 2").run(connection);
            throw new SQLException("refused");
        }, "session", log("state 2"));
        release.countDown();
        first.get(10, TimeUnit.SECONDS);
        assertThrows(ExecutionException.class, () -> failed.get(10, TimeUnit.SECONDS));
        assertEquals(List.of("work 1", "state 1"), entries(), "the failed piece is rolled back whole");
    }

    @Test
    void failedPiecesAmongOthersInOneBatchRollBackOnlyThemselves() throws Exception {
        List<CompletableFuture<String>> kept = new ArrayList<>();
        List<CompletableFuture<String>> failed = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            String entry = "work " + i;
            if (i % 2 == 0) {
                failed.add(queue.submit(connection -> {
                    log(entry).run(connection);
                    throw new SQLException("refused");
                }));
            } else {
                kept.add(queue.submit(log(entry)));
            }
        }
        release.countDown();
        for (CompletableFuture<String> result : kept) {
            result.get(10, TimeUnit.SECONDS);
        }
        for (CompletableFuture<String> result : failed) {
            assertThrows(ExecutionException.class, () -> result.get(10, TimeUnit.SECONDS));
        }
        assertEquals(List.of("work 1", "work 3", "work 5"), entries());
    }

    @Test
    void aPieceWithoutAKeyComesAfterTheLatestWritesBeforeIt() throws Exception {
        queue.submit(log("work 1"), "session", log("state 1"));
        CompletableFuture<List<String>> seen = queue.submit(connection -> read(connection));
        CompletableFuture<String> last = queue.submit(log("work 3"), "session", log("state 3"));
        release.countDown();
        assertEquals(List.of("work 1", "state 1"), seen.get(10, TimeUnit.SECONDS));
        last.get(10, TimeUnit.SECONDS);
        assertEquals(List.of("work 1", "state 1", "work 3", "state 3"), entries());
    }

    @Test
    void futuresCompleteOnTheStorageThreadOnceCommitted() throws Exception {
        CompletableFuture<String> written = queue.submit(log("work 1"));
        CompletableFuture<String> completedOn = written.thenApply(value -> Thread.currentThread().getName());
        assertEquals(false, written.isDone(), "the queue is held busy: nothing completes inside submit");
        release.countDown();
        assertEquals("parley-storage", completedOn.get(10, TimeUnit.SECONDS));
    }

    private static Database.Work<String> log(String entry) {
        return connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO log (entry) VALUES (?)")) {
                insert.setString(1, entry);
                insert.executeUpdate();
            }
            return entry;
        };
    }

    private List<String> entries() throws Exception {
        return queue.submit(GroupCommitQueueTest::read).get(10, TimeUnit.SECONDS);
    }

    private static List<String> read(java.sql.Connection connection) throws SQLException {
        List<String> entries = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT entry FROM log ORDER BY rowid");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                entries.add(rows.getString(1));
            }
        }
        return entries;
    }
}
