package org.parley.files;

import com.google.protobuf.ByteString;
import java.util.HexFormat;
import java.util.List;
import org.parley.proto.wire.v1.FileOffer;

/**
 * A file offer checked for shape: the sizes of its hashes and key, a chunk size we speak, a size
 * within our limit. It checks each chunk a holder sends against the offer's root.
 */
public record OfferedFile(String name, long size, byte[] sha256, byte[] root, byte[] key, ChunkLayout layout,
                          byte[] fileId, byte[] inlineChunk) {
    /** Longest name an offer may carry, in UTF-16 units; the sanitiser shortens further. */
    static final int MAX_NAME_CHARS = 4096;
    /** Files up to this size travel inside their offer (one chunk, sealed), so no holder need be online. */
    public static final int MAX_INLINE_BYTES = 32 * 1024;

    public static OfferedFile of(FileOffer offer, long maxSize) throws FileException {
        if (offer.getSha256().size() != MerkleTree.HASH_SIZE || offer.getMerkleRoot().size() != MerkleTree.HASH_SIZE
                || offer.getKey().size() != ChunkCipher.KEY_SIZE) {
            throw new FileException("malformed file offer");
        }
        if (offer.getChunkSize() != ChunkLayout.DEFAULT_CHUNK_SIZE) {
            throw new FileException("unsupported chunk size " + offer.getChunkSize());
        }
        if (offer.getSize() < 0 || offer.getSize() > maxSize) {
            throw new FileException("file of " + Long.toUnsignedString(offer.getSize()) + " bytes is over the limit of "
                    + maxSize);
        }
        if (offer.getName().length() > MAX_NAME_CHARS) {
            throw new FileException("file name too long");
        }
        if (!offer.getInlineChunk().isEmpty()
                && (offer.getSize() > MAX_INLINE_BYTES || offer.getInlineChunk().size() != offer.getSize() + ChunkCipher.TAG_SIZE)) {
            throw new FileException("an inline chunk on a file that is not small, or of the wrong size");
        }
        byte[] root = offer.getMerkleRoot().toByteArray();
        byte[] key = offer.getKey().toByteArray();
        return new OfferedFile(offer.getName(), offer.getSize(), offer.getSha256().toByteArray(), root, key,
                new ChunkLayout(offer.getSize(), offer.getChunkSize()), ChunkCipher.fileId(key, root),
                offer.getInlineChunk().isEmpty() ? null : offer.getInlineChunk().toByteArray());
    }

    public FileOffer toProto() {
        FileOffer.Builder offer = FileOffer.newBuilder().setName(name).setSize(size).setSha256(ByteString.copyFrom(sha256))
                .setMerkleRoot(ByteString.copyFrom(root)).setChunkSize(layout.chunkSize())
                .setKey(ByteString.copyFrom(key));
        if (inlineChunk != null) {
            offer.setInlineChunk(ByteString.copyFrom(inlineChunk));
        }
        return offer.build();
    }

    /** The same offer carrying its only chunk, sealed (a small file). */
    OfferedFile withInlineChunk(byte[] sealed) {
        return new OfferedFile(name, size, sha256, root, key, layout, fileId, sealed);
    }

    public int chunkCount() {
        return layout.count();
    }

    public String sha256Hex() {
        return HexFormat.of().formatHex(sha256);
    }

    public String fileIdHex() {
        return HexFormat.of().formatHex(fileId);
    }

    /**
     * Opens chunk {@code index} as a holder sent it and checks it against the tree: the sealed
     * bytes must be exactly the chunk's length plus the tag, open under the file key for this
     * root and index, and hash to a leaf the proof leads from to the root.
     *
     * @return the plaintext chunk
     * @throws ChunkCipher.ChunkException when any of that fails
     */
    public byte[] openChunk(int index, byte[] sealed, List<byte[]> proof) throws ChunkCipher.ChunkException {
        return open(index, sealed, proof).plain();
    }

    /** A chunk that passed {@link #openChunk}, with its leaf hash (kept to serve the file once whole). */
    record OpenedChunk(byte[] plain, byte[] leaf) {
    }

    /** As {@link #openChunk}, keeping the leaf hash it computed. */
    OpenedChunk open(int index, byte[] sealed, List<byte[]> proof) throws ChunkCipher.ChunkException {
        if (index < 0 || index >= chunkCount()) {
            throw new ChunkCipher.ChunkException("no chunk " + index + " in a file of " + chunkCount());
        }
        int expected = layout.length(index) + ChunkCipher.TAG_SIZE;
        if (sealed.length != expected) {
            throw new ChunkCipher.ChunkException("chunk " + index + " is " + sealed.length + " bytes, not " + expected);
        }
        byte[] plain = ChunkCipher.open(key, root, index, sealed);
        byte[] leaf = MerkleTree.leafHash(plain);
        if (!MerkleTree.verify(root, index, chunkCount(), leaf, proof)) {
            throw new ChunkCipher.ChunkException("chunk " + index + " does not prove its place in the tree");
        }
        return new OpenedChunk(plain, leaf);
    }
}
