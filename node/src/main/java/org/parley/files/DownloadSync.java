package org.parley.files;

import java.io.IOException;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.store.FileRows;
import org.parley.store.StorageQueue;

/**
 * Keeps the stored bitmap of a download true to its disk: the bitmap lists only chunks whose
 * bytes were forced to disk. After chunks are written, one sync at a time forces the part file and
 * the proofs, then stores the bitmap of everything that sync covered and when the download last
 * made progress (its expiry counts from there), so a download pays a sync per batch of chunks
 * (or per tick, for the few written since the last), not per chunk. A chunk written but not yet
 * synced at a crash is fetched again. Each sync first adds the chunks written so far to the file's
 * running SHA-256 ({@link PartFile#hashWritten}). Confined to the node's loop; syncs run on
 * {@code syncs}, a thread of their own in the daemon, so that neither waiting on the disk nor
 * hashing the whole file holds up the thread that checks and writes the chunks as they come; the
 * rows go through the {@link StorageQueue}.
 */
final class DownloadSync {
    private static final Logger LOG = Logger.getLogger(DownloadSync.class.getName());

    private final StorageQueue storage;
    private final Executor loop;
    private final Executor syncs;
    private final ProofStore proofs;
    private final int batch;

    /** {@code batch}: chunks written before a sync starts; fewer wait for {@link #flush}. */
    DownloadSync(StorageQueue storage, Executor loop, Executor syncs, ProofStore proofs, int batch) {
        this.storage = storage;
        this.loop = loop;
        this.syncs = syncs;
        this.proofs = proofs;
        this.batch = batch;
    }

    /**
     * Chunk {@code index} is written into the part file (at {@code nowMillis}): it is forced with
     * the next batch, once {@code batch} chunks wait (or at the next {@link #flush}).
     */
    void written(Download download, int index, long nowMillis) {
        download.unsynced.set(index);
        download.file.progressMillis = nowMillis;
        if (download.unsynced.cardinality() >= batch) {
            sync(download);
        }
    }

    /** Syncs whatever is written and not yet forced, however little (on the downloads' tick). */
    void flush(Download download) {
        sync(download);
    }

    /**
     * Forces the chunks written since the last sync to disk (one sync at a time; chunks written
     * meanwhile wait for the next), then stores the bitmap of all that is on disk.
     */
    private void sync(Download download) {
        if (download.syncing || download.completing || download.unsynced.isEmpty()) {
            return;
        }
        download.syncing = true;
        BitSet forced = (BitSet) download.unsynced.clone();
        download.unsynced.clear();
        PartFile part = download.part;
        HeldFile file = download.file;
        long progress = file.progressMillis;
        CompletableFuture.runAsync(() -> {
            try {
                part.hashWritten();
                part.sync();
                proofs.sync(file.offer.fileId());
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, syncs).whenCompleteAsync((ignored, error) -> {
            download.syncing = false;
            if (!download.active || download.completing) {
                // Ended, or its completion (on another thread) stores the final bitmap: this one
                // must not land after it.
                return;
            }
            if (error != null) {
                // Tried again with the next batch or tick; until then the bitmap stays as it was.
                LOG.log(Level.WARNING, "cannot force a download to disk", error);
                download.unsynced.or(forced);
                return;
            }
            download.durable.or(forced);
            store(file, download.durable, progress);
            if (download.unsynced.cardinality() >= batch) {
                sync(download);
            }
        }, loop);
    }

    /** Stores the bitmap of what is on disk, and the time the download last made progress. */
    void store(HeldFile file, BitSet held, long progressMillis) {
        byte[] fileId = file.offer.fileId();
        byte[] bitmap = HeldFile.bitmap(held, file.offer.chunkCount());
        storage.submit(connection -> {
            FileRows.setHeld(connection, fileId, bitmap);
            FileRows.setProgress(connection, fileId, progressMillis);
            return null;
        });
    }

    /** Stores when a download starts counting towards its expiry: at its first start (then again at each chunk). */
    void startCounting(HeldFile file, long nowMillis) {
        file.progressMillis = nowMillis;
        byte[] fileId = file.offer.fileId();
        storage.submit(connection -> {
            FileRows.setProgress(connection, fileId, nowMillis);
            return null;
        });
    }
}
