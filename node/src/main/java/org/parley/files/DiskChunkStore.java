package org.parley.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One file per held file in a folder of the profile home, chunk {@code i} in slot {@code i} of a
 * fixed size: a 4-byte length of the sealed chunk (0 for a slot never written), a 1-byte count of
 * proof hashes, the sealed chunk, the hashes. Slots are written in place, so a download resumes
 * by the bitmap the database keeps; a slot the database does not list is never served.
 */
public final class DiskChunkStore implements ChunkStore {
    /** Deep enough for 2^40 chunks. */
    private static final int MAX_PROOF = 40;
    private static final int HEADER = 4 + 1;
    private final Path folder;
    private final int slotSize;

    public DiskChunkStore(Path folder, int chunkSize) throws IOException {
        this.folder = folder;
        this.slotSize = HEADER + chunkSize + ChunkCipher.TAG_SIZE + MAX_PROOF * MerkleTree.HASH_SIZE;
        Files.createDirectories(folder);
    }

    private Path path(byte[] fileId) {
        return folder.resolve(HexFormat.of().formatHex(fileId) + ".chunks");
    }

    @Override
    public void write(byte[] fileId, int index, byte[] sealed, List<byte[]> proof) throws IOException {
        if (proof.size() > MAX_PROOF || HEADER + sealed.length + proof.size() * MerkleTree.HASH_SIZE > slotSize) {
            throw new IOException("chunk does not fit its slot");
        }
        ByteBuffer slot = ByteBuffer.allocate(HEADER + sealed.length + proof.size() * MerkleTree.HASH_SIZE);
        slot.putInt(sealed.length).put((byte) proof.size()).put(sealed);
        proof.forEach(slot::put);
        slot.flip();
        try (FileChannel channel = FileChannel.open(path(fileId), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long position = (long) index * slotSize;
            while (slot.hasRemaining()) {
                position += channel.write(slot, position);
            }
        }
    }

    @Override
    public StoredChunk read(byte[] fileId, int index) throws IOException {
        Path path = path(fileId);
        if (!Files.exists(path)) {
            return null;
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long position = (long) index * slotSize;
            ByteBuffer header = ByteBuffer.allocate(HEADER);
            readFully(channel, header, position);
            if (header.remaining() > 0) {
                return null;
            }
            header.flip();
            int length = header.getInt();
            int hashes = header.get() & 0xff;
            if (length <= 0 || hashes > MAX_PROOF || HEADER + length + hashes * MerkleTree.HASH_SIZE > slotSize) {
                return null;
            }
            ByteBuffer body = ByteBuffer.allocate(length + hashes * MerkleTree.HASH_SIZE);
            readFully(channel, body, position + HEADER);
            if (body.remaining() > 0) {
                return null;
            }
            body.flip();
            byte[] sealed = new byte[length];
            body.get(sealed);
            List<byte[]> proof = new ArrayList<>(hashes);
            for (int i = 0; i < hashes; i++) {
                byte[] hash = new byte[MerkleTree.HASH_SIZE];
                body.get(hash);
                proof.add(hash);
            }
            return new StoredChunk(sealed, proof);
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position);
            if (read < 0) {
                return;
            }
            position += read;
        }
    }

    @Override
    public void delete(byte[] fileId) throws IOException {
        Files.deleteIfExists(path(fileId));
    }
}
