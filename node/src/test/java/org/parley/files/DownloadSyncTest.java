package org.parley.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.List;
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

    private FileRows.StoredFile stored(byte[] fileId) {
        return database.inTransaction(connection -> FileRows.all(connection)).stream()
                .filter(row -> java.util.Arrays.equals(fileId, row.fileId())).findFirst().orElseThrow();
    }

    @Test
    void aBatchWhoseSyncFailsIsNotListedUntilALaterSyncCoversIt() throws Exception {
        DownloadPiecesFixture fixture = new DownloadPiecesFixture();
        byte[] fileId = fixture.offer.fileId();
        database.inTransaction(connection -> FileRows.insertIfAbsent(connection, new FileRows.StoredFile(fileId, null,
                DownloadPiecesFixture.OFFERER.toString(), "in", new byte[1], FileRecord.DOWNLOADING, new byte[1], null,
                null, 1L)));
        FlakyProofs proofs = new FlakyProofs(temp.resolve("files"));
        Download download = fixture.download(temp.resolve("downloads"), proofs);
        DownloadSync sync = new DownloadSync(new InlineStorageQueue(database), Runnable::run, Runnable::run, proofs, 1);
        sync.startCounting(download.file, 500);
        assertEquals(500, stored(fileId).progressMillis());

        proofs.failing = true;
        download.part.write(2, fixture.chunk(2), MerkleTree.leafHash(fixture.chunk(2)));
        sync.written(download, 2, 1_000);
        assertEquals(0, BitSet.valueOf(stored(fileId).held()).cardinality(), "nothing listed that was not forced");
        assertEquals(500, stored(fileId).progressMillis(), "nor its progress");
        assertTrue(download.unsynced.get(2), "kept for the next sync");

        proofs.failing = false;
        download.part.write(0, fixture.chunk(0), MerkleTree.leafHash(fixture.chunk(0)));
        sync.written(download, 0, 2_000);
        BitSet held = BitSet.valueOf(stored(fileId).held());
        assertEquals(2, held.cardinality());
        assertTrue(held.get(0) && held.get(2));
        assertEquals(2_000, stored(fileId).progressMillis());
        assertTrue(download.unsynced.isEmpty());
    }

    @Test
    void aDownloadNoLongerActiveStoresNothingMore() throws Exception {
        DownloadPiecesFixture fixture = new DownloadPiecesFixture();
        byte[] fileId = fixture.offer.fileId();
        database.inTransaction(connection -> FileRows.insertIfAbsent(connection, new FileRows.StoredFile(fileId, null,
                DownloadPiecesFixture.OFFERER.toString(), "in", new byte[1], FileRecord.DOWNLOADING, new byte[1], null,
                null, 1L)));
        FlakyProofs proofs = new FlakyProofs(temp.resolve("files"));
        Download download = fixture.download(temp.resolve("downloads"), proofs);
        DownloadSync sync = new DownloadSync(new InlineStorageQueue(database), Runnable::run, Runnable::run, proofs, 1);
        download.active = false;
        download.part.write(1, fixture.chunk(1), MerkleTree.leafHash(fixture.chunk(1)));
        sync.written(download, 1, 1_000);
        assertEquals(0, BitSet.valueOf(stored(fileId).held()).cardinality());
        assertEquals(0, stored(fileId).progressMillis());
    }
    @Test
    void aSyncThatEndsOnceTheDownloadIsCompletingStoresNoBitmapAfterTheFinalOne() throws Exception {
        DownloadPiecesFixture fixture = new DownloadPiecesFixture();
        byte[] fileId = fixture.offer.fileId();
        database.inTransaction(connection -> FileRows.insertIfAbsent(connection, new FileRows.StoredFile(fileId, null,
                DownloadPiecesFixture.OFFERER.toString(), "in", new byte[1], FileRecord.DOWNLOADING, new byte[1], null,
                null, 1L)));
        FlakyProofs proofs = new FlakyProofs(temp.resolve("files"));
        Download download = fixture.download(temp.resolve("downloads"), proofs);
        // Syncs run on a thread of their own: here held until the download has begun completing,
        // whose final state (stored from the loop) a late partial bitmap must not overwrite.
        ArrayDeque<Runnable> syncs = new ArrayDeque<>();
        DownloadSync sync = new DownloadSync(new InlineStorageQueue(database), Runnable::run, syncs::add, proofs, 1);
        download.part.write(3, fixture.chunk(3), MerkleTree.leafHash(fixture.chunk(3)));
        sync.written(download, 3, 1_000);
        assertEquals(1, syncs.size(), "the sync waits on its thread");
        download.completing = true;
        syncs.poll().run();
        assertEquals(0, BitSet.valueOf(stored(fileId).held()).cardinality());
        assertFalse(download.syncing, "and no sync is left marked as running");
    }

    @Test
    void chunksAreForcedInBatchesAndTheFewLeftAtTheTick() throws Exception {
        DownloadPiecesFixture fixture = new DownloadPiecesFixture();
        byte[] fileId = fixture.offer.fileId();
        database.inTransaction(connection -> FileRows.insertIfAbsent(connection, new FileRows.StoredFile(fileId, null,
                DownloadPiecesFixture.OFFERER.toString(), "in", new byte[1], FileRecord.DOWNLOADING, new byte[1], null,
                null, 1L)));
        FlakyProofs proofs = new FlakyProofs(temp.resolve("files"));
        Download download = fixture.download(temp.resolve("downloads"), proofs);
        DownloadSync sync = new DownloadSync(new InlineStorageQueue(database), Runnable::run, Runnable::run, proofs, 3);
        for (int index = 0; index < 2; index++) {
            download.part.write(index, fixture.chunk(index), MerkleTree.leafHash(fixture.chunk(index)));
            sync.written(download, index, 1_000);
        }
        assertEquals(0, BitSet.valueOf(stored(fileId).held()).cardinality(), "two chunks wait for a third");
        download.part.write(2, fixture.chunk(2), MerkleTree.leafHash(fixture.chunk(2)));
        sync.written(download, 2, 2_000);
        assertEquals(3, BitSet.valueOf(stored(fileId).held()).cardinality(), "a batch of three is forced and listed");
        download.part.write(3, fixture.chunk(3), MerkleTree.leafHash(fixture.chunk(3)));
        sync.written(download, 3, 3_000);
        assertEquals(3, BitSet.valueOf(stored(fileId).held()).cardinality());
        sync.flush(download);
        assertEquals(4, BitSet.valueOf(stored(fileId).held()).cardinality(), "the tick forces the one left");
        assertEquals(3_000, stored(fileId).progressMillis());
    }
}
