package org.parley.files;

import java.io.IOException;
import java.util.List;

/**
 * Where a node keeps the sealed chunks of the files it holds (sent, or downloaded in part or
 * whole), each with its Merkle proof, so it can serve them. Chunks stay sealed under their file's
 * key, whose only copy at rest is sealed in the database: the store holds no plaintext. Calls
 * block on the disk: make them on the files executor, never on the loop.
 */
public interface ChunkStore {
    void write(byte[] fileId, int index, byte[] sealed, List<byte[]> proof) throws IOException;

    /** The chunk as written, or null when its slot was never written. */
    StoredChunk read(byte[] fileId, int index) throws IOException;

    void delete(byte[] fileId) throws IOException;

    record StoredChunk(byte[] sealed, List<byte[]> proof) {
    }
}
