package org.parley.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.store.Database;
import org.parley.store.FileRows;
import org.parley.store.InlineStorageQueue;

/** The stored bitmap lists only chunks a sync forced to disk, and carries the time of the last progress. */
class DownloadSyncTest {
    @TempDir
    Path temp;

    private final Database database = Database.inMemory();

    @AfterEach
    void close() {
        database.close();
    }

    /** Proofs on disk whose sync fails while {@code failing}. */
    private static final class FlakyProofs implements ProofStore {
        final DiskProofStore disk;
        boolean failing;

        FlakyProofs(Path folder) throws IOException {
            disk = new DiskProofStore(folder);
        }

        @Override
        public void write(byte[] fileId, int index, List<byte[]> proof) throws IOException {
            disk.write(fileId, index, proof);
        }

        @Override
        public List<byte[]> read(byte[] fileId, int index) throws IOException {
            return disk.read(fileId, index);
        }

        @Override
        public void sync(byte[] fileId) throws IOException {
            if (failing) {
                throw new IOException("disk full");
            }
            disk.sync(fileId);
        }

        @Override
        public void delete(byte[] fileId) throws IOException {
            disk.delete(fileId);
        }

        @Override
        public int removeLeftovers() {
            return 0;
        }
    }

    /** A download begun in the database, its part file and proofs on disk: what each test starts from. */
    private final class Begun {
        final DownloadPiecesFixture fixture = new DownloadPiecesFixture();
        final byte[] fileId = fixture.offer.fileId();
        final FlakyProofs proofs;
        final Download download;

        Begun() throws Exception {
            database.inTransaction(connection -> FileRows.insertIfAbsent(connection, new FileRows.StoredFile(fileId,
                    null, DownloadPiecesFixture.OFFERER.toString(), "in", new byte[1], FileRecord.DOWNLOADING,
                    new byte[1], null, null, 1L)));
            proofs = new FlakyProofs(temp.resolve("files"));
            download = fixture.download(temp.resolve("downloads"), proofs);
        }

        /** Syncs of batches of {@code batch} chunks, run on {@code syncs}; the loop is the caller. */
        DownloadSync sync(Executor syncs, int batch) {
            return new DownloadSync(new InlineStorageQueue(database), Runnable::run, syncs, proofs, batch);
        }

        /** Writes chunk {@code index} into the part file, as intake does once it passed its checks. */
        void write(int index) throws IOException {
            download.part.write(index, fixture.chunk(index), MerkleTree.leafHash(fixture.chunk(index)));
        }

        /** The chunks the stored bitmap lists. */
        BitSet held() {
            return BitSet.valueOf(stored().held());
        }

        long progressMillis() {
            return stored().progressMillis();
        }

        private FileRows.StoredFile stored() {
            return database.inTransaction(connection -> FileRows.all(connection)).stream()
                    .filter(row -> java.util.Arrays.equals(fileId, row.fileId())).findFirst().orElseThrow();
        }
    }

    @Test
    void aBatchWhoseSyncFailsIsNotListedUntilALaterSyncCoversIt() throws Exception {
        Begun begun = new Begun();
        DownloadSync sync = begun.sync(Runnable::run, 1);
        sync.startCounting(begun.download.file, 500);
        assertEquals(500, begun.progressMillis());

        begun.proofs.failing = true;
        begun.write(2);
        sync.written(begun.download, 2, 1_000);
        assertEquals(0, begun.held().cardinality(), "nothing listed that was not forced");
        assertEquals(500, begun.progressMillis(), "nor its progress");
        assertTrue(begun.download.unsynced.get(2), "kept for the next sync");

        begun.proofs.failing = false;
        begun.write(0);
        sync.written(begun.download, 0, 2_000);
        BitSet held = begun.held();
        assertEquals(2, held.cardinality());
        assertTrue(held.get(0) && held.get(2));
        assertEquals(2_000, begun.progressMillis());
        assertTrue(begun.download.unsynced.isEmpty());
    }

    @Test
    void aDownloadNoLongerActiveStoresNothingMore() throws Exception {
        Begun begun = new Begun();
        DownloadSync sync = begun.sync(Runnable::run, 1);
        begun.download.active = false;
        begun.write(1);
        sync.written(begun.download, 1, 1_000);
        assertEquals(0, begun.held().cardinality());
        assertEquals(0, begun.progressMillis());
    }

    @Test
    void aSyncThatEndsOnceTheDownloadIsCompletingStoresNoBitmapAfterTheFinalOne() throws Exception {
        Begun begun = new Begun();
        // Syncs run on a thread of their own: here held until the download has begun completing,
        // whose final state (stored from the loop) a late partial bitmap must not overwrite.
        ArrayDeque<Runnable> syncs = new ArrayDeque<>();
        DownloadSync sync = begun.sync(syncs::add, 1);
        begun.write(3);
        sync.written(begun.download, 3, 1_000);
        assertEquals(1, syncs.size(), "the sync waits on its thread");
        begun.download.completing = true;
        syncs.poll().run();
        assertEquals(0, begun.held().cardinality());
        assertFalse(begun.download.syncing, "and no sync is left marked as running");
    }

    @Test
    void chunksAreForcedInBatchesAndTheFewLeftAtTheTick() throws Exception {
        Begun begun = new Begun();
        DownloadSync sync = begun.sync(Runnable::run, 3);
        for (int index = 0; index < 2; index++) {
            begun.write(index);
            sync.written(begun.download, index, 1_000);
        }
        assertEquals(0, begun.held().cardinality(), "two chunks wait for a third");
        begun.write(2);
        sync.written(begun.download, 2, 2_000);
        assertEquals(3, begun.held().cardinality(), "a batch of three is forced and listed");
        begun.write(3);
        sync.written(begun.download, 3, 3_000);
        assertEquals(3, begun.held().cardinality());
        sync.flush(begun.download);
        assertEquals(4, begun.held().cardinality(), "the tick forces the one left");
        assertEquals(3_000, begun.progressMillis());
    }
}
