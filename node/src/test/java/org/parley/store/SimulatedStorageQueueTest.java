package org.parley.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parley.runtime.VirtualScheduler;

/**
 * The simulator's storage queue batches like the daemon's, in virtual time, completes futures on
 * the scheduler, and fails or stalls a commit on request. Runs on a real (in-memory) database.
 */
class SimulatedStorageQueueTest {
    private final VirtualScheduler loop = new VirtualScheduler(1_767_225_600_000L);
    private Database database;
    private SimulatedStorageQueue queue;

    @BeforeEach
    void open() {
        database = Database.inMemory();
        queue = new SimulatedStorageQueue(database, loop);
        queue.submit(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE log (entry TEXT)");
            }
            return null;
        }).join();
        queue.loaded();
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void whatIsSubmittedBeforeTheCommitCommitsInOneTransaction() {
        long before = queue.commits();
        List<CompletableFuture<String>> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            results.add(queue.submit(log("work " + i)));
        }
        loop.advance(SimulatedStorageQueue.COMMIT_TIME);
        assertTrue(results.stream().allMatch(CompletableFuture::isDone));
        assertEquals(before + 1, queue.commits(), "five pieces, one transaction");
        assertEquals(5, queue.largestBatch());
    }

    @Test
    void workArrivingDuringACommitWaitsForTheNextOne() {
        CompletableFuture<String> first = queue.submit(log("first"));
        loop.advance(Duration.ofMillis(1));
        CompletableFuture<String> second = queue.submit(log("second"));
        loop.advance(Duration.ofMillis(1));
        assertTrue(first.isDone());
        assertTrue(second.isDone(), "submitted before the commit began, so in its batch");
        CompletableFuture<String> third = queue.submit(log("third"));
        assertFalse(third.isDone());
        loop.advance(SimulatedStorageQueue.COMMIT_TIME);
        assertEquals("third", third.join());
    }

    @Test
    void futuresCompleteOnTheSchedulerNeverInsideSubmit() {
        List<Boolean> completedInLoop = new ArrayList<>();
        CompletableFuture<String> written = queue.submit(log("work"));
        written.thenRun(() -> completedInLoop.add(loop.inLoop()));
        assertFalse(written.isDone(), "not inside submit");
        assertTrue(completedInLoop.isEmpty());
        loop.advance(SimulatedStorageQueue.COMMIT_TIME);
        assertEquals(List.of(true), completedInLoop, "completed by a task of the scheduler");
    }

    @Test
    void whileTheNodeLoadsItsStateEachPieceCommitsAtOnceOnTheCaller() {
        SimulatedStorageQueue loading = new SimulatedStorageQueue(database, loop);
        CompletableFuture<String> read = loading.submit(log("read at load"));
        assertTrue(read.isDone(), "a layer blocks on its load before the loop runs: it must not wait for virtual time");
        loading.loaded();
        assertFalse(loading.submit(log("later")).isDone());
    }

    @Test
    void aFailedCommitFailsEveryPieceOfItsBatchAndRollsBackTheirWrites() {
        queue.failNextCommit();
        CompletableFuture<String> one = queue.submit(log("lost 1"));
        CompletableFuture<String> two = queue.submit(log("lost 2"));
        loop.advance(SimulatedStorageQueue.COMMIT_TIME);
        CompletionException error = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, one::join);
        assertInstanceOf(StoreException.class, error.getCause());
        assertTrue(two.isCompletedExceptionally());
        CompletableFuture<String> after = queue.submit(log("kept"));
        loop.advance(SimulatedStorageQueue.COMMIT_TIME);
        assertEquals("kept", after.join(), "only the next commit fails");
        assertEquals(List.of("kept"), entries());
    }

    @Test
    void aSlowCommitHoldsItsBatchAndWhatQueuesMeanwhile() {
        queue.slowNextCommit(Duration.ofSeconds(3));
        CompletableFuture<String> stalled = queue.submit(log("stalled"));
        loop.advance(Duration.ofSeconds(1));
        CompletableFuture<String> meanwhile = queue.submit(log("meanwhile"));
        loop.advance(Duration.ofSeconds(1));
        assertFalse(stalled.isDone(), "the disk is stalled");
        loop.advance(Duration.ofSeconds(1).plus(SimulatedStorageQueue.COMMIT_TIME));
        assertEquals("stalled", stalled.join());
        assertEquals("meanwhile", meanwhile.join(), "it queued during the stall and joined the same batch");
        assertEquals(List.of("stalled", "meanwhile"), entries());
    }

    @Test
    void sessionWritesSharingAKeyRunOncePerTransactionAsOnTheDaemon() {
        queue.submit(log("work 1"), "session", log("state 1"));
        queue.submit(log("work 2"), "session", log("state 2"));
        loop.advance(SimulatedStorageQueue.COMMIT_TIME);
        assertEquals(List.of("work 1", "work 2", "state 2"), entries());
    }

    @Test
    void closingCommitsTheBacklogThenRefuses() {
        CompletableFuture<String> queued = queue.submit(log("queued"));
        queue.close();
        assertEquals("queued", queued.join());
        assertTrue(queue.submit(log("late")).isCompletedExceptionally());
    }

    @Test
    void theSameSubmissionsGiveTheSameBatches() {
        assertEquals(batchSizes(), batchSizes());
    }

    private List<Long> batchSizes() {
        VirtualScheduler clock = new VirtualScheduler(0);
        try (Database db = Database.inMemory()) {
            SimulatedStorageQueue simulated = new SimulatedStorageQueue(db, clock);
            simulated.loaded();
            List<Long> commits = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                simulated.submit(connection -> null);
                clock.advance(Duration.ofMillis(i % 3));
                commits.add(simulated.commits());
            }
            return commits;
        }
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

    private List<String> entries() {
        CompletableFuture<List<String>> read = queue.submit(connection -> {
            List<String> entries = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement("SELECT entry FROM log ORDER BY rowid");
                 ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    entries.add(rows.getString(1));
                }
            }
            return entries;
        });
        loop.advance(SimulatedStorageQueue.COMMIT_TIME);
        return read.join();
    }
}
