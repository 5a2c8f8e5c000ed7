package org.parley.files;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.identity.PeerId;
import org.parley.link.Neighbours;
import org.parley.proto.wire.v1.ChunkData;
import org.parley.proto.wire.v1.ChunkRequest;
import org.parley.proto.wire.v1.FileFrame;
import org.parley.proto.wire.v1.FileHave;

/**
 * The serving side of file transfers: tells a peer which chunks of a file this node holds and
 * answers its chunk requests: for a file this node has whole (sent, or downloaded), from that file
 * ({@link WholeFileChunks}); for a download in progress, from its part file and stored proofs
 * ({@link PartFile#readSealed}); at most {@link FileConfig#servingPerPeer} reads at a time per peer.
 * Confined to the node's loop; chunks are read on {@code disk}.
 */
final class ChunkServer {
    private static final Logger LOG = Logger.getLogger(ChunkServer.class.getName());

    private final Neighbours neighbours;
    private final Executor loop;
    private final Executor disk;
    private final ProofStore proofs;
    private final Path downloads;
    private final FileConfig config;
    private final Function<ByteString, HeldFile> files;
    private final Map<PeerId, Integer> serving = new HashMap<>();
    private final WholeFileChunks whole;

    ChunkServer(Neighbours neighbours, Executor loop, Executor disk, ProofStore proofs, Path downloads,
                WholeFileChunks whole, FileConfig config, Function<ByteString, HeldFile> files) {
        this.whole = whole;
        this.neighbours = neighbours;
        this.loop = loop;
        this.disk = disk;
        this.proofs = proofs;
        this.downloads = downloads;
        this.config = config;
        this.files = files;
    }

    void answerHave(PeerId from, ByteString fileId) {
        HeldFile file = files.apply(fileId);
        if (file == null || file.held.isEmpty()) {
            // Someone who knows the ID but finds nothing here: nothing to say (it may ask again).
            return;
        }
        neighbours.send(from, FileFrames.of(FileFrame.newBuilder().setHave(FileHave.newBuilder().setFileId(fileId)
                .setBitmap(ByteString.copyFrom(file.heldBytes()))).build()));
    }

    void serve(PeerId from, ChunkRequest request) {
        HeldFile file = files.apply(request.getFileId());
        int index = request.getIndex();
        int busy = serving.getOrDefault(from, 0);
        if (file == null || index < 0 || index >= file.offer.chunkCount() || !file.held.get(index)
                || busy >= config.servingPerPeer()) {
            neighbours.send(from, FileFrames.of(FileFrame.newBuilder().setMissing(request).build()));
            return;
        }
        serving.put(from, busy + 1);
        OfferedFile offer = file.offer;
        Path path = file.whole() ? Path.of(file.path) : null;
        CompletableFuture.supplyAsync(() -> {
            try {
                return path != null ? whole.read(offer, path, index) : PartFile.readSealed(offer, downloads, proofs, index);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, disk).whenCompleteAsync((chunk, error) -> {
            serving.merge(from, -1, (a, b) -> a + b == 0 ? null : a + b);
            if (error != null || chunk == null) {
                LOG.log(Level.FINE, "cannot read a held chunk (the file changed or went since it was offered?)",
                        error);
                neighbours.send(from, FileFrames.of(FileFrame.newBuilder().setMissing(request).build()));
                return;
            }
            // The sealed bytes were made for this frame and nothing else holds them: wrapped, not copied.
            ChunkData.Builder data = ChunkData.newBuilder().setFileId(request.getFileId()).setIndex(index)
                    .setSealed(UnsafeByteOperations.unsafeWrap(chunk.sealed()));
            chunk.proof().forEach(hash -> data.addProof(ByteString.copyFrom(hash)));
            neighbours.send(from, FileFrames.of(FileFrame.newBuilder().setChunk(data).build()));
        }, loop);
    }

    void peerDisconnected(PeerId peer) {
        serving.remove(peer);
    }
}
