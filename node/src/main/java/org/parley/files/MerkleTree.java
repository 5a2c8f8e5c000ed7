package org.parley.files;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Merkle tree over a file's plaintext chunks. A leaf is SHA-256(0x00 || chunk), an inner node
 * SHA-256(0x01 || left || right); the prefixes keep a leaf from passing for an inner node. A level
 * with an odd count promotes its last node unchanged instead of pairing it with itself, so no two
 * leaf lists share a root (duplicating the last node would let {@code [a, b, c]} and
 * {@code [a, b, c, c]} collide). The shape follows from the chunk count alone, so a proof is
 * exactly as long as its index and the count say: a verifier refuses one sibling too many or too few.
 */
public final class MerkleTree {
    public static final int HASH_SIZE = 32;
    private static final byte LEAF = 0;
    private static final byte NODE = 1;

    private final List<byte[][]> levels;

    private MerkleTree(List<byte[][]> levels) {
        this.levels = levels;
    }

    /** Builds the tree over leaf hashes (at least one). */
    public static MerkleTree of(List<byte[]> leafHashes) {
        if (leafHashes.isEmpty()) {
            throw new IllegalArgumentException("a tree needs at least one leaf");
        }
        List<byte[][]> levels = new ArrayList<>();
        byte[][] level = leafHashes.toArray(byte[][]::new);
        levels.add(level);
        while (level.length > 1) {
            byte[][] up = new byte[(level.length + 1) / 2][];
            for (int i = 0; i < up.length; i++) {
                up[i] = 2 * i + 1 < level.length ? node(level[2 * i], level[2 * i + 1]) : level[2 * i];
            }
            levels.add(up);
            level = up;
        }
        return new MerkleTree(levels);
    }

    public byte[] root() {
        return levels.get(levels.size() - 1)[0].clone();
    }

    public int leafCount() {
        return levels.get(0).length;
    }

    /** The sibling hashes from leaf {@code index} up to the root (none where a node was promoted). */
    public List<byte[]> proof(int index) {
        if (index < 0 || index >= leafCount()) {
            throw new IllegalArgumentException("no leaf " + index);
        }
        List<byte[]> siblings = new ArrayList<>();
        int position = index;
        for (int depth = 0; depth < levels.size() - 1; depth++) {
            byte[][] level = levels.get(depth);
            int sibling = position ^ 1;
            if (sibling < level.length) {
                siblings.add(level[sibling].clone());
            }
            position >>= 1;
        }
        return siblings;
    }

    /**
     * Whether {@code leafHash} is leaf {@code index} of the tree of {@code leafCount} leaves whose
     * root is {@code root}, by {@code proof}. False for a proof of the wrong length, a sibling of
     * the wrong size, or an index outside the tree.
     */
    public static boolean verify(byte[] root, int index, int leafCount, byte[] leafHash, List<byte[]> proof) {
        if (index < 0 || index >= leafCount || leafHash.length != HASH_SIZE || root.length != HASH_SIZE) {
            return false;
        }
        byte[] hash = leafHash;
        int position = index;
        int width = leafCount;
        int used = 0;
        while (width > 1) {
            int sibling = position ^ 1;
            if (sibling < width) {
                if (used >= proof.size() || proof.get(used).length != HASH_SIZE) {
                    return false;
                }
                byte[] other = proof.get(used++);
                hash = (position & 1) == 0 ? node(hash, other) : node(other, hash);
            }
            position >>= 1;
            width = (width + 1) / 2;
        }
        return used == proof.size() && MessageDigest.isEqual(hash, root);
    }

    public static byte[] leafHash(byte[] chunk, int offset, int length) {
        MessageDigest digest = sha256();
        digest.update(LEAF);
        digest.update(chunk, offset, length);
        return digest.digest();
    }

    public static byte[] leafHash(byte[] chunk) {
        return leafHash(chunk, 0, chunk.length);
    }

    private static byte[] node(byte[] left, byte[] right) {
        MessageDigest digest = sha256();
        digest.update(NODE);
        digest.update(left);
        digest.update(right);
        return digest.digest();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "MerkleTree[" + leafCount() + " leaves, root " + Arrays.toString(root()) + "]";
    }
}
