package org.parley.files;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Serves chunks of a file this node has whole as plaintext (one it sent, or a finished download)
 * from that file, so that no sealed copy need be kept beside it: each chunk is read, checked
 * against the offer's tree and sealed as a holder sends it (a chunk index is sealed under its file
 * key always to the same plaintext, so the result is the sealed chunk any holder sends). The
 * tree is rebuilt from the file once and kept for the files served last; a file that was changed,
 * moved or cut since it was offered no longer matches the root and is not served (other holders
 * may still serve it). Blocks on the disk: call on the files executor.
 */
final class WholeFileChunks {
    /** Trees kept for the files served last (a tree is 32 bytes per chunk and a bit). */
    private static final int KEPT_TREES = 32;

    private record Kept(long size, long modified, Optional<MerkleTree> tree) {
    }

    private final Map<ByteString, Kept> trees = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteString, Kept> eldest) {
            return size() > KEPT_TREES;
        }
    };

    /**
     * Keeps the tree of a file this node just hashed whole (sent) or checked chunk by chunk
     * (downloaded), as it is on disk now ({@code size}, {@code modified}), so that serving it
     * does not read and hash the whole file once more.
     */
    synchronized void remember(OfferedFile offer, MerkleTree tree, long size, long modified) {
        if (java.security.MessageDigest.isEqual(tree.root(), offer.root())) {
            trees.put(ByteString.copyFrom(offer.fileId()), new Kept(size, modified, Optional.of(tree)));
        }
    }

    /** As above, for the file at {@code path} as it is now. */
    void remember(OfferedFile offer, MerkleTree tree, Path path) throws IOException {
        remember(offer, tree, Files.size(path), Files.getLastModifiedTime(path).toMillis());
    }

    /** Chunk {@code index} sealed with its proof, or null when the file no longer holds what was offered. */
    synchronized SealedChunk read(OfferedFile offer, Path path, int index) throws IOException {
        Optional<MerkleTree> tree = tree(offer, path);
        if (tree.isEmpty()) {
            return null;
        }
        int length = offer.layout().length(index);
        byte[] plain = new byte[length];
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            if (!PositionalIo.readFully(channel, ByteBuffer.wrap(plain), offer.layout().offset(index))) {
                return null;
            }
        }
        List<byte[]> proof = tree.get().proof(index);
        if (!MerkleTree.verify(offer.root(), index, offer.chunkCount(), MerkleTree.leafHash(plain), proof)) {
            // Changed in place since the tree was built, within the same second.
            trees.remove(ByteString.copyFrom(offer.fileId()));
            return null;
        }
        return new SealedChunk(ChunkCipher.seal(offer.key(), offer.root(), index, plain, 0, length), proof);
    }

    /** The tree of the file at {@code path}, if it still has the offer's size and root. */
    private Optional<MerkleTree> tree(OfferedFile offer, Path path) throws IOException {
        ByteString fileId = ByteString.copyFrom(offer.fileId());
        if (!Files.isRegularFile(path)) {
            return Optional.empty();
        }
        long size = Files.size(path);
        long modified = Files.getLastModifiedTime(path).toMillis();
        Kept kept = trees.get(fileId);
        if (kept != null && kept.size() == size && kept.modified() == modified) {
            return kept.tree();
        }
        Optional<MerkleTree> tree = size == offer.size() ? build(offer, path) : Optional.empty();
        trees.put(fileId, new Kept(size, modified, tree));
        return tree;
    }

    private static Optional<MerkleTree> build(OfferedFile offer, Path path) throws IOException {
        ChunkLayout layout = offer.layout();
        List<byte[]> leaves = new ArrayList<>(layout.count());
        byte[] buffer = new byte[layout.chunkSize()];
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            for (int index = 0; index < layout.count(); index++) {
                ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, layout.length(index));
                if (!PositionalIo.readFully(channel, chunk, layout.offset(index))) {
                    return Optional.empty();
                }
                leaves.add(MerkleTree.leafHash(buffer, 0, layout.length(index)));
            }
        }
        MerkleTree tree = MerkleTree.of(leaves);
        return java.security.MessageDigest.isEqual(tree.root(), offer.root()) ? Optional.of(tree) : Optional.empty();
    }
}
