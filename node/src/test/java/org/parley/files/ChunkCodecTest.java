package org.parley.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.proto.wire.v1.FileOffer;

/** A chunk as a holder sends it, checked as a downloader checks it: every way of lying is caught. */
class ChunkCodecTest {
    private static final int SIZE = ChunkLayout.DEFAULT_CHUNK_SIZE * 3 + 1000;
    private final SecureRandom random = new SecureRandom();
    private final byte[] content = new byte[SIZE];
    private final byte[] key = new byte[32];
    private final ChunkLayout layout = ChunkLayout.of(SIZE);
    private final MerkleTree tree;
    private final OfferedFile offer;

    ChunkCodecTest() throws FileException {
        random.nextBytes(content);
        random.nextBytes(key);
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < layout.count(); i++) {
            leaves.add(MerkleTree.leafHash(content, (int) layout.offset(i), layout.length(i)));
        }
        tree = MerkleTree.of(leaves);
        offer = OfferedFile.of(FileOffer.newBuilder().setName("a.bin").setSize(SIZE)
                .setSha256(ByteString.copyFrom(MerkleTree.sha256().digest(content)))
                .setMerkleRoot(ByteString.copyFrom(tree.root())).setChunkSize(ChunkLayout.DEFAULT_CHUNK_SIZE)
                .setKey(ByteString.copyFrom(key)).build(), Long.MAX_VALUE);
    }

    private byte[] sealed(int index) {
        return ChunkCipher.seal(key, tree.root(), index, content, (int) layout.offset(index), layout.length(index));
    }

    @Test
    void anHonestChunkOpensToItsPlaintext() throws Exception {
        for (int i = 0; i < layout.count(); i++) {
            byte[] plain = offer.openChunk(i, sealed(i), tree.proof(i));
            assertArrayEquals(Arrays.copyOfRange(content, (int) layout.offset(i), (int) layout.offset(i) + layout.length(i)),
                    plain);
        }
    }

    @Test
    void truncatedAndOversizedChunksAreRefusedBeforeDecryption() {
        byte[] sealed = sealed(1);
        assertThrows(ChunkCipher.ChunkException.class,
                () -> offer.openChunk(1, Arrays.copyOf(sealed, sealed.length - 1), tree.proof(1)));
        assertThrows(ChunkCipher.ChunkException.class,
                () -> offer.openChunk(1, Arrays.copyOf(sealed, sealed.length + 1), tree.proof(1)));
        assertThrows(ChunkCipher.ChunkException.class, () -> offer.openChunk(1, new byte[0], tree.proof(1)));
    }

    @Test
    void aChunkSentUnderAnotherIndexDoesNotOpen() {
        // Chunks 0 and 1 are the same length: only the index bound into the seal tells them apart.
        assertThrows(ChunkCipher.ChunkException.class, () -> offer.openChunk(1, sealed(0), tree.proof(1)));
        assertThrows(ChunkCipher.ChunkException.class, () -> offer.openChunk(0, sealed(1), tree.proof(0)));
        assertThrows(ChunkCipher.ChunkException.class, () -> offer.openChunk(layout.count(), sealed(0), tree.proof(0)));
    }

    @Test
    void aTamperedChunkOrForgedProofIsRefused() {
        byte[] tampered = sealed(2);
        tampered[100] ^= 1;
        assertThrows(ChunkCipher.ChunkException.class, () -> offer.openChunk(2, tampered, tree.proof(2)));
        List<byte[]> forged = new ArrayList<>(tree.proof(2));
        forged.set(0, new byte[32]);
        assertThrows(ChunkCipher.ChunkException.class, () -> offer.openChunk(2, sealed(2), forged));
        assertThrows(ChunkCipher.ChunkException.class,
                () -> offer.openChunk(2, sealed(2), tree.proof(2).subList(0, 1)));
    }

    @Test
    void aHolderWithTheKeyButAnotherTreeIsCaughtByTheProof() throws Exception {
        // A sender who seals garbage correctly under the key still cannot make it fit the root.
        byte[] garbage = new byte[layout.length(0)];
        byte[] sealedGarbage = ChunkCipher.seal(key, tree.root(), 0, garbage, 0, garbage.length);
        assertThrows(ChunkCipher.ChunkException.class, () -> offer.openChunk(0, sealedGarbage, tree.proof(0)));
    }

    @Test
    void aChunkOfAnotherFileUnderTheSameKeyDoesNotOpen() {
        byte[] otherRoot = tree.root();
        otherRoot[0] ^= 1;
        byte[] foreign = ChunkCipher.seal(key, otherRoot, 0, content, 0, layout.length(0));
        assertThrows(ChunkCipher.ChunkException.class, () -> offer.openChunk(0, foreign, tree.proof(0)));
    }

    @Test
    void offersOfTheWrongShapeOrOverTheLimitAreRefused() {
        FileOffer good = offer.toProto();
        assertThrows(FileException.class, () -> OfferedFile.of(good.toBuilder().setKey(ByteString.copyFrom(new byte[16]))
                .build(), Long.MAX_VALUE));
        assertThrows(FileException.class, () -> OfferedFile.of(good.toBuilder()
                .setMerkleRoot(ByteString.copyFrom(new byte[31])).build(), Long.MAX_VALUE));
        assertThrows(FileException.class, () -> OfferedFile.of(good.toBuilder().setChunkSize(1024).build(),
                Long.MAX_VALUE));
        assertThrows(FileException.class, () -> OfferedFile.of(good, SIZE - 1));
        assertThrows(FileException.class, () -> OfferedFile.of(good.toBuilder().setSize(-1L).build(), Long.MAX_VALUE),
                "a size over 2^63 reads as negative");
        assertThrows(FileException.class, () -> OfferedFile.of(good.toBuilder()
                .setInlineChunk(ByteString.copyFrom(sealed(0))).build(), Long.MAX_VALUE), "inline only for small files");
    }

    @Test
    void theFileIdDependsOnTheKeySoTwoOffersOfOneContentDoNotLookAlike() {
        byte[] otherKey = key.clone();
        otherKey[0] ^= 1;
        assertFalse(Arrays.equals(ChunkCipher.fileId(key, tree.root()), ChunkCipher.fileId(otherKey, tree.root())));
        assertEquals(32, offer.fileId().length);
        assertTrue(Arrays.equals(offer.fileId(), ChunkCipher.fileId(key, tree.root())));
    }
}
