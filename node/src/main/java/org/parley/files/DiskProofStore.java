package org.parley.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One file per download in a folder of the profile home, the proof of chunk {@code i} in slot
 * {@code i} of a fixed size: a 1-byte count of hashes (0 for a slot never written, or a one-chunk
 * file's empty proof), the hashes. Slots are written in place; a slot the database's bitmap does
 * not list is never trusted, and one it lists is checked against the part file on a restart.
 */
public final class DiskProofStore implements ProofStore {
    /** Deep enough for 2^40 chunks. */
    private static final int MAX_PROOF = 40;
    private static final int SLOT = 1 + MAX_PROOF * MerkleTree.HASH_SIZE;
    /**
     * A download's sealed chunks as versions before decision 0068 kept them in this folder (a file
     * ID in hex, {@code .chunks}): nothing reads them now, and their download starts again.
     */
    private static final Pattern OLD_CHUNKS = Pattern.compile("[0-9a-f]{64}\\.chunks");
    private final Path folder;

    public DiskProofStore(Path folder) throws IOException {
        this.folder = folder;
        Files.createDirectories(folder);
    }

    private Path path(byte[] fileId) {
        return folder.resolve(HexFormat.of().formatHex(fileId) + ".proofs");
    }

    @Override
    public void write(byte[] fileId, int index, List<byte[]> proof) throws IOException {
        if (proof.size() > MAX_PROOF) {
            throw new IOException("proof does not fit its slot");
        }
        ByteBuffer slot = ByteBuffer.allocate(1 + proof.size() * MerkleTree.HASH_SIZE);
        slot.put((byte) proof.size());
        proof.forEach(slot::put);
        slot.flip();
        try (FileChannel channel = FileChannel.open(path(fileId), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            PositionalIo.writeFully(channel, slot, (long) index * SLOT);
        }
    }

    @Override
    public List<byte[]> read(byte[] fileId, int index) throws IOException {
        Path path = path(fileId);
        if (!Files.exists(path)) {
            return null;
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long position = (long) index * SLOT;
            ByteBuffer count = ByteBuffer.allocate(1);
            if (!PositionalIo.readFully(channel, count, position)) {
                return null;
            }
            int hashes = count.get(0) & 0xff;
            if (hashes > MAX_PROOF) {
                return null;
            }
            ByteBuffer body = ByteBuffer.allocate(hashes * MerkleTree.HASH_SIZE);
            if (!PositionalIo.readFully(channel, body, position + 1)) {
                return null;
            }
            body.flip();
            List<byte[]> proof = new ArrayList<>(hashes);
            for (int i = 0; i < hashes; i++) {
                byte[] hash = new byte[MerkleTree.HASH_SIZE];
                body.get(hash);
                proof.add(hash);
            }
            return proof;
        }
    }

    @Override
    public void sync(byte[] fileId) throws IOException {
        Path path = path(fileId);
        if (Files.exists(path)) {
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
                channel.force(false);
            }
        }
    }

    @Override
    public void delete(byte[] fileId) throws IOException {
        Files.deleteIfExists(path(fileId));
    }

    /** Deletes the sealed chunk files of the earlier layout; anything else in the folder stays, links too. */
    @Override
    public int removeLeftovers() throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                if (OLD_CHUNKS.matcher(entry.getFileName().toString()).matches()
                        && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(entry);
                    removed++;
                }
            }
        }
        return removed;
    }
}
