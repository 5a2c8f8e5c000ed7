package org.parley.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.proto.wire.v1.FileOffer;

/** A download's part file: checked plaintext at its place, resumed after a crash, shown complete only once whole. */
class PartFileTest {
    private static final int CHUNKS = 5;
    private static final int SIZE = ChunkLayout.DEFAULT_CHUNK_SIZE * (CHUNKS - 1) + 777;

    @TempDir
    Path temp;

    private final SecureRandom random = new SecureRandom();
    private final byte[] content = new byte[SIZE];
    private final ChunkLayout layout = ChunkLayout.of(SIZE);
    private final MerkleTree tree;

    PartFileTest() {
        random.nextBytes(content);
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < layout.count(); i++) {
            leaves.add(MerkleTree.leafHash(content, (int) layout.offset(i), layout.length(i)));
        }
        tree = MerkleTree.of(leaves);
    }

    private OfferedFile offer(byte[] sha256) throws FileException {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return OfferedFile.of(FileOffer.newBuilder().setName("film.mkv").setSize(SIZE)
                .setSha256(ByteString.copyFrom(sha256)).setMerkleRoot(ByteString.copyFrom(tree.root()))
                .setChunkSize(ChunkLayout.DEFAULT_CHUNK_SIZE).setKey(ByteString.copyFrom(key)).build(), Long.MAX_VALUE);
    }

    private OfferedFile honestOffer() throws FileException {
        return offer(MerkleTree.sha256().digest(content));
    }

    private byte[] chunk(int index) {
        return Arrays.copyOfRange(content, (int) layout.offset(index), (int) layout.offset(index) + layout.length(index));
    }

    private void put(PartFile part, ProofStore proofs, OfferedFile offer, int index) throws IOException {
        part.write(index, chunk(index), MerkleTree.leafHash(chunk(index)));
        proofs.write(offer.fileId(), index, tree.proof(index));
    }

    private static List<String> names(Path folder) throws IOException {
        try (var listing = Files.list(folder)) {
            return listing.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void chunksWrittenInAnyOrderBecomeTheFileUnderItsNameOnlyOnceWholeAndOwnerOnly() throws Exception {
        OfferedFile offer = honestOffer();
        Path downloads = temp.resolve("downloads");
        ProofStore proofs = new DiskProofStore(temp.resolve("proofs"));
        PartFile part = PartFile.open(offer, downloads, new BitSet(), proofs);
        for (int index : new int[] {3, 0, 4, 1}) {
            put(part, proofs, offer, index);
        }
        part.sync();
        Path partPath = PartFile.pathIn(downloads, offer);
        assertEquals(List.of(partPath.getFileName().toString()), names(downloads), "only the hidden part file");
        assertTrue(partPath.getFileName().toString().startsWith("."));
        if (Files.getFileStore(partPath).supportsFileAttributeView("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(partPath)));
        }
        assertThrows(FileException.class, part::complete, "not whole yet");
    }

    @Test
    void theWholeFileIsLinkedUnderItsNameAndAStopBeforeTheStateIsStoredLinksNoSecondCopy() throws Exception {
        OfferedFile offer = honestOffer();
        Path downloads = temp.resolve("downloads");
        ProofStore proofs = new DiskProofStore(temp.resolve("proofs"));
        PartFile part = PartFile.open(offer, downloads, new BitSet(), proofs);
        for (int index : new int[] {2, 4, 0, 3, 1}) {
            put(part, proofs, offer, index);
        }
        Path done = part.complete();
        assertEquals(downloads.resolve("film.mkv"), done);
        assertArrayEquals(tree.root(), part.tree().root(), "the tree kept to serve the file is the offer's");
        assertArrayEquals(content, Files.readAllBytes(done));

        // Killed before the complete state was stored: the restart finds every chunk and the link made.
        BitSet all = new BitSet();
        all.set(0, CHUNKS);
        PartFile again = PartFile.open(offer, downloads, all, proofs);
        assertEquals(all, again.held());
        assertEquals(done, again.complete());
        PartFile.delete(downloads, offer);
        assertEquals(List.of("film.mkv"), names(downloads));
    }

    @Test
    void chunksFarAheadOfAGapAreReadBackForTheFilesHashOnceTheGapIsFilled() throws Exception {
        // More chunks wait behind the missing first one than the part file keeps for its hash.
        int chunks = PartFile.KEPT_UNHASHED + 3;
        byte[] bytes = new byte[ChunkLayout.DEFAULT_CHUNK_SIZE * chunks];
        random.nextBytes(bytes);
        ChunkLayout big = ChunkLayout.of(bytes.length);
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < chunks; i++) {
            leaves.add(MerkleTree.leafHash(bytes, (int) big.offset(i), big.length(i)));
        }
        MerkleTree bigTree = MerkleTree.of(leaves);
        byte[] key = new byte[32];
        random.nextBytes(key);
        OfferedFile offer = OfferedFile.of(FileOffer.newBuilder().setName("big.bin").setSize(bytes.length)
                .setSha256(ByteString.copyFrom(MerkleTree.sha256().digest(bytes)))
                .setMerkleRoot(ByteString.copyFrom(bigTree.root())).setChunkSize(ChunkLayout.DEFAULT_CHUNK_SIZE)
                .setKey(ByteString.copyFrom(key)).build(), Long.MAX_VALUE);
        Path downloads = temp.resolve("downloads");
        PartFile part = PartFile.open(offer, downloads, new BitSet(), new DiskProofStore(temp.resolve("proofs")));
        for (int index = chunks - 1; index >= 0; index--) {
            int offset = (int) big.offset(index);
            byte[] plain = Arrays.copyOfRange(bytes, offset, offset + big.length(index));
            part.write(index, plain, leaves.get(index));
            part.hashWritten();
        }
        assertArrayEquals(bytes, Files.readAllBytes(part.complete()));
    }

    @Test
    void anOfferWhoseSha256DoesNotMatchItsTreeFailsAndNoFileCarriesTheName() throws Exception {
        byte[] other = MerkleTree.sha256().digest(new byte[] {1});
        OfferedFile offer = offer(other);
        Path downloads = temp.resolve("downloads");
        ProofStore proofs = new DiskProofStore(temp.resolve("proofs"));
        PartFile part = PartFile.open(offer, downloads, new BitSet(), proofs);
        for (int index = 0; index < CHUNKS; index++) {
            put(part, proofs, offer, index);
        }
        FileException wrong = assertThrows(FileException.class, part::complete);
        assertTrue(wrong.getMessage().contains("SHA-256"), wrong.getMessage());
        assertFalse(Files.exists(downloads.resolve("film.mkv")));
    }

    @Test
    void onARestartOnlyTheListedChunksThatStillCheckOutAreKept() throws Exception {
        OfferedFile offer = honestOffer();
        Path downloads = temp.resolve("downloads");
        ProofStore proofs = new DiskProofStore(temp.resolve("proofs"));
        PartFile part = PartFile.open(offer, downloads, new BitSet(), proofs);
        for (int index : new int[] {0, 1, 3}) {
            put(part, proofs, offer, index);
        }
        part.sync();
        part.close();
        // A crash: chunk 1's bytes were not on disk after all, chunk 4 was listed but never written.
        try (var channel = java.nio.channels.FileChannel.open(PartFile.pathIn(downloads, offer),
                java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(new byte[100]), layout.offset(1) + 5);
        }
        BitSet listed = new BitSet();
        listed.set(0, 2);
        listed.set(3, 5);

        PartFile resumed = PartFile.open(offer, downloads, listed, proofs);
        BitSet kept = new BitSet();
        kept.set(0);
        kept.set(3);
        assertEquals(kept, resumed.held());
        for (int index : new int[] {1, 2, 4}) {
            put(resumed, proofs, offer, index);
        }
        assertArrayEquals(content, Files.readAllBytes(resumed.complete()));
    }

    @Test
    void aLinkPlantedWhereThePartFileGoesIsNeverFollowed() throws Exception {
        OfferedFile offer = honestOffer();
        Path downloads = Files.createDirectories(temp.resolve("downloads"));
        Path victim = temp.resolve("victim.txt");
        Files.writeString(victim, "keep me");
        Path planted = PartFile.pathIn(downloads, offer);
        try {
            Files.createSymbolicLink(planted, victim);
        } catch (UnsupportedOperationException | IOException noLinks) {
            return;
        }
        ProofStore proofs = new DiskProofStore(temp.resolve("proofs"));
        BitSet claimed = new BitSet();
        claimed.set(0);
        PartFile part = PartFile.open(offer, downloads, claimed, proofs);
        assertTrue(part.held().isEmpty(), "nothing taken from where the link points");
        for (int index = 0; index < CHUNKS; index++) {
            put(part, proofs, offer, index);
        }
        assertArrayEquals(content, Files.readAllBytes(part.complete()));
        assertEquals("keep me", Files.readString(victim));
    }

    @Test
    void aPartialDownloadServesOnlyChunksThatStillProveTheirPlace() throws Exception {
        OfferedFile offer = honestOffer();
        Path downloads = temp.resolve("downloads");
        ProofStore proofs = new DiskProofStore(temp.resolve("proofs"));
        PartFile part = PartFile.open(offer, downloads, new BitSet(), proofs);
        put(part, proofs, offer, 2);
        part.sync();
        SealedChunk served = PartFile.readSealed(offer, downloads, proofs, 2);
        assertArrayEquals(chunk(2), offer.openChunk(2, served.sealed(), served.proof()));
        assertEquals(null, PartFile.readSealed(offer, downloads, proofs, 1), "never written");
        try (var channel = java.nio.channels.FileChannel.open(PartFile.pathIn(downloads, offer),
                java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(new byte[] {42}), layout.offset(2));
        }
        assertEquals(null, PartFile.readSealed(offer, downloads, proofs, 2), "changed on disk");
    }
}
