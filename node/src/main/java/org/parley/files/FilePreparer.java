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
 * Turns a file on disk into an offer and its sealed chunks. Two passes over the file: the first
 * hashes it (the whole and each chunk, for the Merkle root), the second seals each chunk, whose
 * associated data needs that root, into the chunk store with its proof. Blocks on the disk.
 */
public final class FilePreparer {
    private FilePreparer() {
    }

    public static OfferedFile prepare(Path path, ChunkStore chunks, SecureRandom random, long maxSize)
            throws IOException, FileException {
        if (!Files.isRegularFile(path)) {
            throw new FileException("not a regular file: " + path);
        }
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
        byte[] inline = null;
        try (InputStream in = Files.newInputStream(path)) {
            for (int index = 0; index < layout.count(); index++) {
                int length = layout.length(index);
                readExactly(in, buffer, length);
                if (!MessageDigest.isEqual(MerkleTree.leafHash(buffer, 0, length), leaves.get(index))) {
                    throw new FileException("the file changed while it was being read");
                }
                byte[] sealed = ChunkCipher.seal(key, root, index, buffer, 0, length);
                chunks.write(offer.fileId(), index, sealed, tree.proof(index));
                inline = sealed;
            }
        }
        return size <= OfferedFile.MAX_INLINE_BYTES ? offer.withInlineChunk(inline) : offer;
    }

    private static void readExactly(InputStream in, byte[] buffer, int length) throws IOException {
        int read = in.readNBytes(buffer, 0, length);
        if (read != length) {
            throw new IOException("the file changed while it was being read");
        }
    }
}
