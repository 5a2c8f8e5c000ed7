package org.parley.files;

import java.util.List;

/** A chunk as a holder sends it: sealed under the file key, with its Merkle proof. */
record SealedChunk(byte[] sealed, List<byte[]> proof) {
}
