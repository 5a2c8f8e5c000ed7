package org.parley.files;

import java.io.IOException;
import java.util.List;

/**
 * Where a node keeps the Merkle proof of each chunk of a download in progress, so that it can
 * serve those chunks to others (the chunk itself is in the part file, {@link PartFile}) and check
 * them again after a restart. A proof is hashes of the tree, no content. Calls block on the disk:
 * make them on the files executor, never on the loop.
 */
public interface ProofStore {
    void write(byte[] fileId, int index, List<byte[]> proof) throws IOException;

    /** The proof as written, or null when its slot was never written. */
    List<byte[]> read(byte[] fileId, int index) throws IOException;

    /** Forces what was written for the file to the disk. */
    void sync(byte[] fileId) throws IOException;

    void delete(byte[] fileId) throws IOException;

    /**
     * Deletes what an earlier version of the node kept in the store's place and this one no longer
     * reads; returns how many files went.
     */
    int removeLeftovers() throws IOException;
}
