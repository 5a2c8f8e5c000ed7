package org.parley.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {
    private static List<byte[]> leaves(int count) {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            leaves.add(MerkleTree.leafHash(("chunk " + i).getBytes()));
        }
        return leaves;
    }

    @Test
    void everyLeafOfTreesOfEveryShapeProvesItsPlace() {
        for (int count = 1; count <= 33; count++) {
            List<byte[]> leaves = leaves(count);
            MerkleTree tree = MerkleTree.of(leaves);
            for (int i = 0; i < count; i++) {
                assertTrue(MerkleTree.verify(tree.root(), i, count, leaves.get(i), tree.proof(i)),
                        "leaf " + i + " of " + count);
            }
        }
    }

    @Test
    void aSingleLeafIsItsOwnRootWithAnEmptyProof() {
        List<byte[]> leaves = leaves(1);
        MerkleTree tree = MerkleTree.of(leaves);
        assertArrayEquals(leaves.get(0), tree.root());
        assertTrue(tree.proof(0).isEmpty());
    }

    @Test
    void aLeafAtTheWrongIndexFails() {
        List<byte[]> leaves = leaves(8);
        MerkleTree tree = MerkleTree.of(leaves);
        assertFalse(MerkleTree.verify(tree.root(), 3, 8, leaves.get(2), tree.proof(2)));
        assertFalse(MerkleTree.verify(tree.root(), 3, 8, leaves.get(2), tree.proof(3)));
        assertFalse(MerkleTree.verify(tree.root(), 8, 8, leaves.get(7), tree.proof(7)), "index past the end");
        assertFalse(MerkleTree.verify(tree.root(), -1, 8, leaves.get(0), tree.proof(0)));
    }

    @Test
    void truncatedOversizedAndForgedProofsFail() {
        List<byte[]> leaves = leaves(11);
        MerkleTree tree = MerkleTree.of(leaves);
        List<byte[]> proof = tree.proof(4);
        assertFalse(MerkleTree.verify(tree.root(), 4, 11, leaves.get(4), proof.subList(0, proof.size() - 1)));
        List<byte[]> longer = new ArrayList<>(proof);
        longer.add(new byte[32]);
        assertFalse(MerkleTree.verify(tree.root(), 4, 11, leaves.get(4), longer));
        List<byte[]> forged = new ArrayList<>(proof);
        byte[] flipped = forged.get(1).clone();
        flipped[0] ^= 1;
        forged.set(1, flipped);
        assertFalse(MerkleTree.verify(tree.root(), 4, 11, leaves.get(4), forged));
        List<byte[]> shortHash = new ArrayList<>(proof);
        shortHash.set(0, Arrays.copyOf(proof.get(0), 31));
        assertFalse(MerkleTree.verify(tree.root(), 4, 11, leaves.get(4), shortHash));
        // The last leaf of 11 is promoted a level without a sibling; in a tree of 12 it has one.
        assertFalse(MerkleTree.verify(tree.root(), 10, 12, leaves.get(10), tree.proof(10)),
                "a proof read against another leaf count");
    }

    @Test
    void anInnerNodeCannotPassForALeafNorAnOddLeafListForAPaddedOne() {
        List<byte[]> leaves = leaves(4);
        MerkleTree tree = MerkleTree.of(leaves);
        MerkleTree upper = MerkleTree.of(List.of(tree.proof(0).get(1), tree.proof(3).get(1)));
        assertNotEquals(Arrays.toString(tree.root()), Arrays.toString(upper.root()),
                "two inner nodes taken as leaves give another root");
        List<byte[]> three = leaves(3);
        List<byte[]> padded = new ArrayList<>(three);
        padded.add(three.get(2));
        assertFalse(Arrays.equals(MerkleTree.of(three).root(), MerkleTree.of(padded).root()));
    }

    @Test
    void theLayoutSplitsIntoFullChunksAndAShortLastOne() {
        ChunkLayout layout = new ChunkLayout(10, 4);
        assertEquals(3, layout.count());
        assertEquals(4, layout.length(0));
        assertEquals(2, layout.length(2));
        assertEquals(1, new ChunkLayout(0, 4).count(), "an empty file is one empty chunk");
        assertEquals(0, new ChunkLayout(0, 4).length(0));
        assertEquals(2, new ChunkLayout(8, 4).count());
    }
}
