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
 * the offer ({@link OfferedFile#open}) on {@code disk}, then its plaintext written into the part
 * file and its proof into the {@link ProofStore}; back on the loop it is handed to
 * {@code written}. A chunk nobody asked for, or one that fails its check, costs its sender (the
 * latter also excludes it from the download). Confined to the node's loop.
 */
final class ChunkIntake {
    private static final Logger LOG = Logger.getLogger(ChunkIntake.class.getName());

    private final Neighbours neighbours;
    private final Executor loop;
    private final Executor disk;
    private final ProofStore proofs;
    private final HolderRequests requests;
    private final ObjIntConsumer<Download> written;

    ChunkIntake(Neighbours neighbours, Executor loop, Executor disk, ProofStore proofs, HolderRequests requests,
                ObjIntConsumer<Download> written) {
        this.neighbours = neighbours;
        this.loop = loop;
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
        PartFile part = download.part;
        CompletableFuture.supplyAsync(() -> {
            // Copied out of the frame here rather than on the loop, which other links wait on.
            byte[] sealed = data.getSealed().toByteArray();
            List<byte[]> proof = new ArrayList<>(data.getProofCount());
            data.getProofList().forEach(hash -> proof.add(hash.toByteArray()));
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
            if (!download.active) {
                return;
            }
            Throwable cause = error instanceof CompletionException ? error.getCause() : error;
            if (cause instanceof ChunkCipher.ChunkException bad) {
                neighbours.penalize(from, Misbehaviour.BAD_CHUNK, bad.getMessage());
                download.scheduler.exclude(from);
                requests.pump(download);
                return;
            }
            if (cause != null) {
                LOG.log(Level.WARNING, "cannot write a chunk into the download", cause);
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
