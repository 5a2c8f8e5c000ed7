package org.parley.files;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.ObjIntConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.link.Neighbours;
import org.parley.proto.wire.v1.ChunkData;

/**
 * Takes chunks into a download: one asked of the peer that sent it is opened and checked against
 * the offer ({@link OfferedFile#open}) on {@code work}, a pool, so that the chunks of a download
 * are opened and hashed on as many threads as the machine has (decision 0077); back on the loop,
 * one that passed and whose download is still going is written (plaintext into the part file,
 * proof into the {@link ProofStore}) on {@code disk}, then handed to {@code written} on the loop.
 * Chunks finish their checks in any order. A chunk nobody asked for, or one that fails its check,
 * costs its sender (the latter also excludes it from the download).
 *
 * <p>Every write is queued on {@code disk} from the loop while its download is active, so what
 * the end of a download queues there (closing the part file, then deleting it) comes after every
 * write of it: a chunk whose check ends after the download did is dropped, never written. The
 * work in flight is bounded by the requests in flight: only a chunk asked of its sender is taken.
 * Confined to the node's loop.
 */
final class ChunkIntake {
    private static final Logger LOG = Logger.getLogger(ChunkIntake.class.getName());

    private final Neighbours neighbours;
    private final Executor loop;
    private final Executor work;
    private final Executor disk;
    private final ProofStore proofs;
    private final HolderRequests requests;
    private final ObjIntConsumer<Download> written;

    ChunkIntake(Neighbours neighbours, Executor loop, Executor work, Executor disk, ProofStore proofs,
                HolderRequests requests, ObjIntConsumer<Download> written) {
        this.neighbours = neighbours;
        this.loop = loop;
        this.work = work;
        this.disk = disk;
        this.proofs = proofs;
        this.requests = requests;
        this.written = written;
    }

    /** A chunk from {@code from} for {@code download} (null when no download of its file is in progress). */
    void take(PeerId from, Download download, ChunkData data) {
        int index = data.getIndex();
        if (download == null || !download.scheduler.awaiting(from, index)) {
            // Not asked of this peer (or asked and already answered): a replay or a push.
            neighbours.penalize(from, Misbehaviour.UNASKED, "file chunk nobody asked it for");
            return;
        }
        OfferedFile offer = download.file.offer;
        CompletableFuture.supplyAsync(() -> {
            // Copied out of the frame here rather than on the loop, which other links wait on.
            byte[] sealed = data.getSealed().toByteArray();
            List<byte[]> proof = new ArrayList<>(data.getProofCount());
            data.getProofList().forEach(hash -> proof.add(hash.toByteArray()));
            try {
                return new Checked(offer.open(index, sealed, proof), proof);
            } catch (ChunkCipher.ChunkException e) {
                throw new CompletionException(e);
            }
        }, work).whenCompleteAsync((checked, error) -> {
            if (!download.active || download.completing) {
                // Ended meanwhile, or another copy of the chunk made it whole: nothing more is written.
                return;
            }
            Throwable cause = error instanceof CompletionException ? error.getCause() : error;
            if (cause instanceof ChunkCipher.ChunkException bad) {
                neighbours.penalize(from, Misbehaviour.BAD_CHUNK, bad.getMessage());
                download.scheduler.exclude(from);
                requests.pump(download);
            } else if (cause != null) {
                LOG.log(Level.WARNING, "cannot check a chunk of the download", cause);
                download.scheduler.failed(from, index);
            } else {
                write(from, download, index, checked);
            }
        }, loop);
    }

    /** A chunk that passed its checks, and the proof it came with (stored beside it). */
    private record Checked(OfferedFile.OpenedChunk chunk, List<byte[]> proof) {
    }

    /** Writes a checked chunk on the disk (queued while its download is active: see the class comment). */
    private void write(PeerId from, Download download, int index, Checked checked) {
        PartFile part = download.part;
        byte[] fileId = download.file.offer.fileId();
        CompletableFuture.runAsync(() -> {
            try {
                part.write(index, checked.chunk().plain(), checked.chunk().leaf());
                proofs.write(fileId, index, checked.proof());
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, disk).whenCompleteAsync((ignored, error) -> {
            if (!download.active) {
                return;
            }
            if (error != null) {
                LOG.log(Level.WARNING, "cannot write a chunk into the download", error);
                download.scheduler.failed(from, index);
                return;
            }
            written.accept(download, index);
        }, loop);
    }

    /** A small file came whole with its offer: checked like any chunk; if it fails, holders are asked. */
    void takeInline(Download download) {
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
            if (!download.active) {
                return;
            }
            if (Boolean.TRUE.equals(usable)) {
                written.accept(download, 0);
            } else {
                requests.askHolders(download);
            }
        }, loop);
    }
}
