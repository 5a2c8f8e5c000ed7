package org.parley.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.store.ContentCipher;
import org.parley.store.FileRows;
import org.parley.store.SealedPlaces;
import org.parley.store.StorageQueue;

/**
 * How a download ends: complete (its part file forced, checked as a whole and linked under its
 * name, {@link PartFile#complete}) or failed (it cannot be written, does not match its offer, or
 * expired); the state is stored, watchers told, and then what it kept while partial (its part
 * file's hidden name, its proofs) deleted. Only downloads no longer in progress come here.
 * Confined to the node's loop; disk work on {@code disk}.
 */
final class DownloadOutcomes {
    private static final Logger LOG = Logger.getLogger(DownloadOutcomes.class.getName());

    private final StorageQueue storage;
    private final ContentCipher cipher;
    private final Executor loop;
    private final Executor disk;
    private final ProofStore proofs;
    private final WholeFileChunks whole;
    private final Path downloads;
    private final Consumer<HeldFile> announce;

    DownloadOutcomes(StorageQueue storage, ContentCipher cipher, Executor loop, Executor disk, ProofStore proofs,
                     WholeFileChunks whole, Path downloads, Consumer<HeldFile> announce) {
        this.storage = storage;
        this.cipher = cipher;
        this.loop = loop;
        this.disk = disk;
        this.proofs = proofs;
        this.whole = whole;
        this.downloads = downloads;
        this.announce = announce;
    }

    /**
     * Every chunk is written: the part file is forced, checked as a whole and linked under its
     * name; then {@code ended} on the loop (the download is no longer in progress) and the
     * outcome stored.
     */
    void complete(Download download, Consumer<Download> ended) {
        download.completing = true;
        HeldFile file = download.file;
        PartFile part = download.part;
        CompletableFuture.supplyAsync(() -> {
            try {
                Path done = part.complete();
                whole.remember(file.offer, part.tree(), done);
                return done;
            } catch (IOException e) {
                throw new CompletionException(new FileException("cannot write the download: " + e.getMessage(), e));
            } catch (FileException e) {
                throw new CompletionException(e);
            }
        }, disk).whenCompleteAsync((path, error) -> {
            ended.accept(download);
            if (error != null) {
                Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                disk.execute(part::closeQuietly);
                finish(file, FileRecord.FAILED, null, cause.getMessage());
            } else {
                finish(file, FileRecord.COMPLETE, path.toString(), null);
            }
        }, loop);
    }

    /** Fails a download no longer in progress (its part file, if open, already closed or queued to close). */
    void fail(HeldFile file, String reason) {
        finish(file, FileRecord.FAILED, null, reason);
    }

    private void finish(HeldFile file, String state, String path, String reason) {
        if (FileRecord.FAILED.equals(state)) {
            // What it held goes with its part file: nothing of it is served any more.
            file.held.clear();
        }
        file.state = state;
        file.path = path;
        file.reason = reason;
        byte[] fileId = file.offer.fileId();
        byte[] sealedPath = path == null ? null
                : cipher.seal(path.getBytes(StandardCharsets.UTF_8), SealedPlaces.filePath(fileId));
        byte[] bitmap = file.heldBytes();
        storage.submit(connection -> {
            FileRows.setHeld(connection, fileId, bitmap);
            FileRows.setState(connection, fileId, state, sealedPath, reason);
            return null;
        }).whenCompleteAsync((ignored, error) -> {
            if (error != null) {
                LOG.log(Level.SEVERE, "storing a file's state failed", error);
            } else {
                dropPartial(file);
            }
            announce.accept(file);
        }, loop);
    }

    /**
     * Deletes what a download kept while partial (its part file's hidden name, its proofs) once
     * the file is whole under its own name or has failed. Called once that state is stored, so a
     * crash in between finds the part file and links it again (to the same file) rather than
     * fetching a second copy; at start for any left over.
     */
    void dropPartial(HeldFile file) {
        OfferedFile offer = file.offer;
        disk.execute(() -> {
            try {
                PartFile.delete(downloads, offer);
                proofs.delete(offer.fileId());
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot delete what a finished download kept while partial", e);
            }
        });
    }
}
