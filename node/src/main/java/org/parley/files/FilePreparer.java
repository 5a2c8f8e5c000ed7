package org.parley.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a file on disk into an offer: one pass hashes it (the whole and each chunk, for the
 * Merkle root). Nothing is copied: the sender serves chunks from the file itself
 * ({@link WholeFileChunks}). A small file's only chunk is read again and sealed into the offer
 * (its associated data needs the root). Blocks on the disk.
 */
public final class FilePreparer {
    private FilePreparer() {
    }

    /**
     * An offer and the tree it was made from, with the file's size and modification time as read
     * before hashing it (a change while it was read shows as another time, so the tree is not
     * trusted for it).
     */
    public record Prepared(OfferedFile offer, MerkleTree tree, long size, long modifiedMillis) {
    }

    public static Prepared prepare(Path path, SecureRandom random, long maxSize)
            throws IOException, FileException {
        if (!Files.isRegularFile(path)) {
            throw new FileException("not a regular file: " + path);
        }
        long modified = Files.getLastModifiedTime(path).toMillis();
        long size = Files.size(path);
        if (size > maxSize) {
            throw new FileException("the file is " + size + " bytes; the limit is " + maxSize);
        }
        ChunkLayout layout = ChunkLayout.of(size);
        MessageDigest whole = MerkleTree.sha256();
        List<byte[]> leaves = new ArrayList<>(layout.count());
        byte[] buffer = new byte[layout.chunkSize()];
        try (InputStream in = Files.newInputStream(path)) {
            for (int index = 0; index < layout.count(); index++) {
                int length = layout.length(index);
                readExactly(in, buffer, length);
                whole.update(buffer, 0, length);
                leaves.add(MerkleTree.leafHash(buffer, 0, length));
            }
        }
        MerkleTree tree = MerkleTree.of(leaves);
        byte[] key = new byte[ChunkCipher.KEY_SIZE];
        random.nextBytes(key);
        byte[] root = tree.root();
        String name = path.getFileName() == null ? "file" : path.getFileName().toString();
        OfferedFile offer = new OfferedFile(name, size, whole.digest(), root, key, layout,
                ChunkCipher.fileId(key, root), null);
        if (size > OfferedFile.MAX_INLINE_BYTES) {
            return new Prepared(offer, tree, size, modified);
        }
        int length = layout.length(0);
        try (InputStream in = Files.newInputStream(path)) {
            readExactly(in, buffer, length);
        }
        if (!MessageDigest.isEqual(MerkleTree.leafHash(buffer, 0, length), leaves.get(0))) {
            throw new FileException("the file changed while it was being read");
        }
        return new Prepared(offer.withInlineChunk(ChunkCipher.seal(key, root, 0, buffer, 0, length)), tree, size,
                modified);
    }

    private static void readExactly(InputStream in, byte[] buffer, int length) throws IOException {
        int read = in.readNBytes(buffer, 0, length);
        if (read != length) {
            throw new IOException("the file changed while it was being read");
        }
    }
}
