package org.parley.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proofs of a download's chunks in slots, and the files of the layout before decision 0068 cleared away. */
class DiskProofStoreTest {
    @TempDir
    Path temp;

    private static byte[] id(int n) {
        byte[] id = new byte[32];
        id[0] = (byte) n;
        return id;
    }

    @Test
    void aProofReadsBackFromItsSlotAndASlotNeverWrittenIsNull() throws Exception {
        DiskProofStore store = new DiskProofStore(temp.resolve("files"));
        byte[] hash = new byte[MerkleTree.HASH_SIZE];
        hash[3] = 7;
        store.write(id(1), 2, List.of(hash, hash));
        List<byte[]> proof = store.read(id(1), 2);
        assertEquals(2, proof.size());
        assertArrayEquals(hash, proof.get(1));
        assertNull(store.read(id(1), 9), "past the end of the file");
        assertNull(store.read(id(2), 0), "no file for this download");
        store.delete(id(1));
        assertNull(store.read(id(1), 2));
    }

    @Test
    void slotsAreIndependentAndAProofTooDeepForItsSlotIsRefusedWithoutTouchingTheNext() throws Exception {
        DiskProofStore store = new DiskProofStore(temp.resolve("files"));
        byte[] first = new byte[MerkleTree.HASH_SIZE];
        first[0] = 1;
        byte[] second = new byte[MerkleTree.HASH_SIZE];
        second[0] = 2;
        store.write(id(1), 1, List.of(second));
        store.write(id(1), 0, Collections.nCopies(40, first));
        assertEquals(40, store.read(id(1), 0).size(), "the deepest proof fills its slot");
        assertArrayEquals(second, store.read(id(1), 1).get(0), "and does not run into the next one");

        assertThrows(IOException.class, () -> store.write(id(1), 0, Collections.nCopies(41, first)));
        assertEquals(40, store.read(id(1), 0).size(), "a refused proof leaves the slot as it was");
        assertArrayEquals(second, store.read(id(1), 1).get(0));
    }

    @Test
    void theSealedChunkFilesOfTheEarlierLayoutAreDeletedAndNothingElse() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("files"));
        String hex = HexFormat.of().formatHex(id(1));
        Path old = Files.write(folder.resolve(hex + ".chunks"), new byte[5000]);
        Path otherOld = Files.write(folder.resolve(HexFormat.of().formatHex(id(2)) + ".chunks"), new byte[10]);
        Path notes = Files.writeString(folder.resolve("notes.chunks"), "not a file ID");
        Path outside = Files.writeString(temp.resolve("elsewhere"), "kept");
        Path link = Files.createSymbolicLink(folder.resolve(HexFormat.of().formatHex(id(3)) + ".chunks"), outside);
        DiskProofStore store = new DiskProofStore(folder);
        store.write(id(1), 0, List.of());

        assertEquals(2, store.removeLeftovers());
        assertFalse(Files.exists(old));
        assertFalse(Files.exists(otherOld));
        assertTrue(Files.exists(notes), "a name that is not a file ID's is not ours to delete");
        assertTrue(Files.isSymbolicLink(link) && Files.exists(outside), "a link is neither followed nor deleted");
        assertEquals(List.of(), store.read(id(1), 0), "the proofs of the download stay");
        assertEquals(0, store.removeLeftovers(), "nothing more the second time");
    }
}
