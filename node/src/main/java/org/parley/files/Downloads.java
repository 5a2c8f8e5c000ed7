package org.parley.files;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.link.Neighbours;
import org.parley.proto.wire.v1.ChunkData;
import org.parley.proto.wire.v1.ChunkRequest;
import org.parley.proto.wire.v1.FileFrame;
import org.parley.proto.wire.v1.FileHave;
import org.parley.proto.wire.v1.FileRef;
import org.parley.proto.wire.v1.Frame;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;
import org.parley.store.ContentCipher;
import org.parley.store.FileRows;
import org.parley.store.SealedPlaces;
import org.parley.store.StorageQueue;

/**
 * The fetching side of file transfers: for each file being downloaded, asks the holders it knows
 * which chunks they hold, pulls chunks from all of them at once ({@link ChunkScheduler}), checks
 * each against the offer ({@link OfferedFile#openChunk}) and writes its plaintext into the
 * download's part file at its place ({@link PartFile}, decision 0068); once every chunk is in, the
 * part file is checked against the offer's SHA-256 (hashed along the way) and linked under its name.
 *
 * <p>The stored bitmap lists only chunks whose bytes were forced to disk: after chunks are
 * written, one sync at a time forces the part file and the proofs, then stores the bitmap of
 * everything that sync covered, so a download pays a sync per batch, not per chunk. A chunk
 * written but not yet synced at a crash is fetched again; every chunk the bitmap lists is checked
 * again on a restart.
 *
 * <p>Confined to the node's loop. Chunk checks and writes run on {@code disk}; the held bitmap and
 * the final state go through the {@link StorageQueue}. Every change a watcher should see is handed
 * to {@code announce}.
 *
 * <p>Over 400 lines and kept whole on purpose: it is one state machine per download (open, ask,
 * take, write, sync, complete), each step a hop between the loop and the disk that reads and
 * changes the same per-download state; the work of each step is in {@link ChunkScheduler},
 * {@link PartFile} and {@link ProofStore}.
 */
final class Downloads {
    private static final Logger LOG = Logger.getLogger(Downloads.class.getName());
    /** Progress is told to watchers in steps of 1/PROGRESS_STEPS of the file. */
    private static final int PROGRESS_STEPS = 20;

    private final Neighbours neighbours;
    private final StorageQueue storage;
    private final ContentCipher cipher;
    private final Scheduler loop;
    private final Clock clock;
    private final Executor disk;
    private final ProofStore proofs;
    private final WholeFileChunks whole;
    private final FileConfig config;
    private final Path downloads;
    private final Consumer<HeldFile> announce;
    private final Map<ByteString, Download> inProgress = new HashMap<>();
    private Scheduler.Cancellable ticker;
    private boolean stopped;

    /** A download in progress: who may hold the file, and what is asked of whom. */
    private static final class Download {
        final HeldFile file;
        final ChunkScheduler scheduler;
        final Set<PeerId> candidates = new LinkedHashSet<>();
        /** Null until the part file is open and what it held checked again: nothing is asked before. */
        PartFile part;
        /** Chunks in the part file whose bytes are not yet forced to disk. */
        final BitSet unsynced = new BitSet();
        /** Chunks whose bytes are forced to disk: the bitmap as stored. */
        BitSet durable;
        boolean syncing;
        long lastAskedMillis;
        int lastProgressStep;
        boolean completing;

        Download(HeldFile file, ChunkScheduler scheduler) {
            this.file = file;
            this.scheduler = scheduler;
        }

        boolean ready() {
            return part != null;
        }
    }

    Downloads(Neighbours neighbours, StorageQueue storage, ContentCipher cipher, Scheduler loop, Clock clock,
              Executor disk, ProofStore proofs, WholeFileChunks whole, FileConfig config, Path downloads,
              Consumer<HeldFile> announce) {
        this.whole = whole;
        this.neighbours = neighbours;
        this.storage = storage;
        this.cipher = cipher;
        this.loop = loop;
        this.clock = clock;
        this.disk = disk;
        this.proofs = proofs;
        this.config = config;
        this.downloads = downloads;
        this.announce = announce;
    }

    /** Starts the timer that keeps the downloads moving. */
    void startTicking() {
        if (!stopped) {
            ticker = loop.schedule(config.tick(), () -> {
                tick();
                startTicking();
            });
        }
    }

    void stop() {
        stopped = true;
        if (ticker != null) {
            ticker.cancel();
        }
        for (Download download : inProgress.values()) {
            if (download.part != null) {
                PartFile part = download.part;
                disk.execute(() -> closeQuietly(part));
            }
        }
    }

    /**
     * Opens the download's part file on the disk, keeping what it held that still checks out,
     * then fetches the rest: from the offer itself for a small file, else from holders.
     */
    void start(HeldFile file) {
        ByteString fileId = ByteString.copyFrom(file.offer.fileId());
        if (inProgress.containsKey(fileId)) {
            return;
        }
        Download download = new Download(file, new ChunkScheduler(file.offer.chunkCount(), file.held, config.window(),
                config.requestTimeout().toMillis()));
        download.candidates.add(file.peer);
        inProgress.put(fileId, download);
        BitSet claimed = (BitSet) file.held.clone();
        CompletableFuture.supplyAsync(() -> {
            try {
                return PartFile.open(file.offer, downloads, claimed, proofs);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, disk).whenCompleteAsync((part, error) -> {
            if (stopped || inProgress.get(fileId) != download) {
                if (part != null) {
                    disk.execute(() -> closeQuietly(part));
                }
                return;
            }
            if (error != null) {
                inProgress.remove(fileId);
                Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                finish(file, FileRecord.FAILED, null, "cannot write the download: " + cause.getMessage());
                return;
            }
            opened(download, part);
        }, loop);
    }

    private void opened(Download download, PartFile part) {
        HeldFile file = download.file;
        download.part = part;
        BitSet held = part.held();
        download.durable = (BitSet) held.clone();
        if (!held.equals(file.held)) {
            BitSet lost = (BitSet) file.held.clone();
            lost.andNot(held);
            lost.stream().forEach(download.scheduler::lost);
            // Some chunks the bitmap listed did not check out again: they are fetched anew.
            LOG.info(() -> (file.held.cardinality() - held.cardinality()) + " chunks of a download failed their check"
                    + " after a restart and are fetched again");
            file.held = held;
            storeHeld(file, held);
            announce.accept(file);
        }
        if (download.scheduler.complete()) {
            complete(download);
        } else if (file.offer.inlineChunk() != null) {
            takeInlineChunk(download);
        } else {
            askHolders(download);
            // Holders that told us what they hold while the part file was opening.
            pump(download);
        }
    }

    /** A small file came whole with its offer: checked like any chunk; if it fails, holders are asked. */
    private void takeInlineChunk(Download download) {
        OfferedFile offer = download.file.offer;
        PartFile part = download.part;
        CompletableFuture.supplyAsync(() -> {
            try {
                OfferedFile.OpenedChunk chunk = offer.open(0, offer.inlineChunk(), List.of());
                part.write(0, chunk.plain(), chunk.leaf());
                proofs.write(offer.fileId(), 0, List.of());
                return true;
            } catch (ChunkCipher.ChunkException | IOException e) {
                LOG.fine(() -> "an inline chunk is unusable: " + e.getMessage());
                return false;
            }
        }, disk).whenCompleteAsync((usable, error) -> {
            if (stopped || inProgress.get(ByteString.copyFrom(offer.fileId())) != download) {
                return;
            }
            if (Boolean.TRUE.equals(usable)) {
                chunkWritten(download, 0);
            } else {
                askHolders(download);
            }
        }, loop);
    }

    /**
     * Asks the peer that offered the file and every linked neighbour which chunks they hold: any
     * of them may hold it (group members that fetched it already). A neighbour without the file
     * learns only that we fetch something whose ID means nothing to it, and says nothing.
     */
    private void askHolders(Download download) {
        download.lastAskedMillis = clock.nowMillis();
        Frame ask = FileFrames.of(FileFrame.newBuilder().setHaveRequest(
                FileRef.newBuilder().setFileId(ByteString.copyFrom(download.file.offer.fileId()))).build());
        Set<PeerId> asked = new LinkedHashSet<>(download.candidates);
        asked.addAll(neighbours.linkedPeers());
        for (PeerId peer : asked) {
            if (neighbours.isConnected(peer) && !download.scheduler.isExcluded(peer)) {
                neighbours.send(peer, ask);
            }
        }
    }

    private void pump(Download download) {
        if (!download.ready() || download.completing) {
            return;
        }
        for (ChunkScheduler.Request request : download.scheduler.next(clock.nowMillis())) {
            Frame ask = FileFrames.of(FileFrame.newBuilder().setRequest(ChunkRequest.newBuilder()
                    .setFileId(ByteString.copyFrom(download.file.offer.fileId())).setIndex(request.index())).build());
            if (!neighbours.send(request.holder(), ask)) {
                download.scheduler.holderGone(request.holder());
            }
        }
    }

    private void tick() {
        long now = clock.nowMillis();
        for (Download download : List.copyOf(inProgress.values())) {
            download.scheduler.expire(now);
            if (!download.scheduler.hasHolders() && now - download.lastAskedMillis >= config.askAgainAfter().toMillis()) {
                askHolders(download);
            }
            pump(download);
        }
    }

    void takeHave(PeerId from, FileHave have) {
        Download download = inProgress.get(have.getFileId());
        if (download == null) {
            return;
        }
        int count = download.file.offer.chunkCount();
        if (have.getBitmap().size() > (count + 7) / 8) {
            neighbours.penalize(from, Misbehaviour.MALFORMED, "file bitmap longer than the file");
            return;
        }
        download.candidates.add(from);
        download.scheduler.holderHas(from, BitSet.valueOf(have.getBitmap().toByteArray()));
        pump(download);
    }

    void takeMissing(PeerId from, ChunkRequest missing) {
        Download download = inProgress.get(missing.getFileId());
        if (download != null && download.scheduler.awaiting(from, missing.getIndex())) {
            download.scheduler.failed(from, missing.getIndex());
            pump(download);
        }
    }

    void takeChunk(PeerId from, ChunkData data) {
        Download download = inProgress.get(data.getFileId());
        int index = data.getIndex();
        if (download == null || !download.scheduler.awaiting(from, index)) {
            // Not asked of this peer (or asked and already answered): a replay or a push.
            neighbours.penalize(from, Misbehaviour.UNASKED, "file chunk nobody asked it for");
            return;
        }
        OfferedFile offer = download.file.offer;
        PartFile part = download.part;
        byte[] sealed = data.getSealed().toByteArray();
        List<byte[]> proof = new ArrayList<>(data.getProofCount());
        data.getProofList().forEach(hash -> proof.add(hash.toByteArray()));
        CompletableFuture.supplyAsync(() -> {
            OfferedFile.OpenedChunk chunk;
            try {
                chunk = offer.open(index, sealed, proof);
            } catch (ChunkCipher.ChunkException e) {
                throw new CompletionException(e);
            }
            try {
                part.write(index, chunk.plain(), chunk.leaf());
                proofs.write(offer.fileId(), index, proof);
                return null;
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, disk).whenCompleteAsync((ignored, error) -> {
            if (stopped || inProgress.get(data.getFileId()) != download) {
                return;
            }
            Throwable cause = error instanceof CompletionException ? error.getCause() : error;
            if (cause instanceof ChunkCipher.ChunkException bad) {
                neighbours.penalize(from, Misbehaviour.BAD_CHUNK, bad.getMessage());
                download.scheduler.exclude(from);
                pump(download);
                return;
            }
            if (cause != null) {
                LOG.log(Level.WARNING, "cannot write a chunk into the download", cause);
                download.scheduler.failed(from, index);
                return;
            }
            chunkWritten(download, index);
        }, loop);
    }

    private void chunkWritten(Download download, int index) {
        HeldFile file = download.file;
        download.scheduler.received(index);
        file.held.set(index);
        download.unsynced.set(index);
        int step = (int) ((long) file.held.cardinality() * PROGRESS_STEPS / file.offer.chunkCount());
        if (step != download.lastProgressStep) {
            download.lastProgressStep = step;
            announce.accept(file);
        }
        if (download.scheduler.complete()) {
            complete(download);
        } else {
            sync(download);
            pump(download);
        }
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
        BitSet batch = (BitSet) download.unsynced.clone();
        download.unsynced.clear();
        PartFile part = download.part;
        HeldFile file = download.file;
        CompletableFuture.runAsync(() -> {
            try {
                part.sync();
                proofs.sync(file.offer.fileId());
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, disk).whenCompleteAsync((ignored, error) -> {
            download.syncing = false;
            if (stopped || inProgress.get(ByteString.copyFrom(file.offer.fileId())) != download) {
                return;
            }
            if (error != null) {
                // Tried again with the next chunk; until then the bitmap stays as it was.
                LOG.log(Level.WARNING, "cannot force a download to disk", error);
                download.unsynced.or(batch);
                return;
            }
            download.durable.or(batch);
            storeHeld(file, download.durable);
            sync(download);
        }, loop);
    }

    private void storeHeld(HeldFile file, BitSet held) {
        byte[] fileId = file.offer.fileId();
        byte[] bitmap = HeldFile.bitmap(held, file.offer.chunkCount());
        storage.submit(connection -> {
            FileRows.setHeld(connection, fileId, bitmap);
            return null;
        });
    }

    /** Every chunk is written: the part file is forced, checked as a whole and linked under its name. */
    private void complete(Download download) {
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
            inProgress.remove(ByteString.copyFrom(file.offer.fileId()));
            if (error != null) {
                Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                disk.execute(() -> closeQuietly(part));
                finish(file, FileRecord.FAILED, null, cause.getMessage());
            } else {
                finish(file, FileRecord.COMPLETE, path.toString(), null);
            }
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

    private static void closeQuietly(PartFile part) {
        try {
            part.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "cannot close a part file", e);
        }
    }

    /** A newly linked peer may hold what we fetch: it is asked about every download. */
    void peerConnected(PeerId peer) {
        for (Download download : inProgress.values()) {
            if (!download.scheduler.isExcluded(peer)) {
                neighbours.send(peer, FileFrames.of(FileFrame.newBuilder().setHaveRequest(FileRef.newBuilder()
                        .setFileId(ByteString.copyFrom(download.file.offer.fileId()))).build()));
            }
        }
    }

    void peerDisconnected(PeerId peer) {
        for (Download download : inProgress.values()) {
            download.scheduler.holderGone(peer);
        }
    }
}
