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
 * each against the offer ({@link OfferedFile#openChunk}), keeps it sealed, and writes the whole
 * file into the downloads folder once every chunk is in ({@link FileAssembler}).
 *
 * <p>Confined to the node's loop. Chunk checks and writes run on {@code disk}; the held bitmap and
 * the final state go through the {@link StorageQueue}. Every change a watcher should see is handed
 * to {@code announce}.
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
    private final ChunkStore chunks;
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
        long lastAskedMillis;
        int lastProgressStep;
        boolean assembling;

        Download(HeldFile file, ChunkScheduler scheduler) {
            this.file = file;
            this.scheduler = scheduler;
        }
    }

    Downloads(Neighbours neighbours, StorageQueue storage, ContentCipher cipher, Scheduler loop, Clock clock,
              Executor disk, ChunkStore chunks, FileConfig config, Path downloads, Consumer<HeldFile> announce) {
        this.neighbours = neighbours;
        this.storage = storage;
        this.cipher = cipher;
        this.loop = loop;
        this.clock = clock;
        this.disk = disk;
        this.chunks = chunks;
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
    }

    void start(HeldFile file) {
        ByteString fileId = ByteString.copyFrom(file.offer.fileId());
        if (inProgress.containsKey(fileId)) {
            return;
        }
        Download download = new Download(file, new ChunkScheduler(file.offer.chunkCount(), file.held, config.window(),
                config.requestTimeout().toMillis()));
        download.candidates.add(file.peer);
        inProgress.put(fileId, download);
        if (download.scheduler.complete()) {
            assemble(download);
            return;
        }
        if (file.offer.inlineChunk() != null) {
            takeInlineChunk(download);
            return;
        }
        askHolders(download);
    }

    /** A small file came whole with its offer: checked like any chunk; if it fails, holders are asked. */
    private void takeInlineChunk(Download download) {
        OfferedFile offer = download.file.offer;
        CompletableFuture.supplyAsync(() -> {
            try {
                offer.openChunk(0, offer.inlineChunk(), List.of());
                chunks.write(offer.fileId(), 0, offer.inlineChunk(), List.of());
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
                chunkArrived(download, 0);
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
        if (download.assembling) {
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
        byte[] sealed = data.getSealed().toByteArray();
        List<byte[]> proof = new ArrayList<>(data.getProofCount());
        data.getProofList().forEach(hash -> proof.add(hash.toByteArray()));
        CompletableFuture.supplyAsync(() -> {
            try {
                offer.openChunk(index, sealed, proof);
                chunks.write(offer.fileId(), index, sealed, proof);
                return null;
            } catch (ChunkCipher.ChunkException e) {
                throw new CompletionException(e);
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
                LOG.log(Level.WARNING, "cannot store a chunk", cause);
                download.scheduler.failed(from, index);
                return;
            }
            chunkArrived(download, index);
        }, loop);
    }

    private void chunkArrived(Download download, int index) {
        HeldFile file = download.file;
        download.scheduler.received(index);
        file.held.set(index);
        byte[] fileId = file.offer.fileId();
        byte[] bitmap = file.heldBytes();
        storage.submit(connection -> {
            FileRows.setHeld(connection, fileId, bitmap);
            return null;
        });
        int step = (int) ((long) file.held.cardinality() * PROGRESS_STEPS / file.offer.chunkCount());
        if (step != download.lastProgressStep) {
            download.lastProgressStep = step;
            announce.accept(file);
        }
        if (download.scheduler.complete()) {
            assemble(download);
        } else {
            pump(download);
        }
    }

    private void assemble(Download download) {
        download.assembling = true;
        HeldFile file = download.file;
        CompletableFuture.supplyAsync(() -> {
            try {
                return FileAssembler.assemble(file.offer, chunks, downloads);
            } catch (IOException e) {
                throw new CompletionException(new FileException("cannot write the download: " + e.getMessage(), e));
            } catch (FileException e) {
                throw new CompletionException(e);
            }
        }, disk).whenCompleteAsync((path, error) -> {
            inProgress.remove(ByteString.copyFrom(file.offer.fileId()));
            if (error != null) {
                Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                finish(file, FileRecord.FAILED, null, cause.getMessage());
            } else {
                finish(file, FileRecord.COMPLETE, path.toString(), null);
            }
        }, loop);
    }

    /**
     * Deletes the sealed chunks of a file this node has whole: it serves them from the file
     * ({@link WholeFileChunks}). Called once the complete state is stored, so a crash in between
     * leaves chunks (deleted at the next start), never a complete file without its source.
     */
    void dropSealedChunks(HeldFile file) {
        byte[] fileId = file.offer.fileId();
        disk.execute(() -> {
            try {
                chunks.delete(fileId);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot delete the sealed chunks of a finished file", e);
            }
        });
    }

    private void finish(HeldFile file, String state, String path, String reason) {
        file.state = state;
        file.path = path;
        file.reason = reason;
        byte[] fileId = file.offer.fileId();
        byte[] sealedPath = path == null ? null
                : cipher.seal(path.getBytes(StandardCharsets.UTF_8), SealedPlaces.filePath(fileId));
        storage.submit(connection -> {
            FileRows.setState(connection, fileId, state, sealedPath, reason);
            return null;
        }).whenCompleteAsync((ignored, error) -> {
            if (error != null) {
                LOG.log(Level.SEVERE, "storing a file's state failed", error);
            } else if (FileRecord.COMPLETE.equals(state)) {
                dropSealedChunks(file);
            }
            announce.accept(file);
        }, loop);
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
