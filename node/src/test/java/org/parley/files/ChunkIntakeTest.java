package org.parley.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.link.EmbeddedLinks;
import org.parley.proto.wire.v1.ChunkData;
import org.parley.runtime.VirtualScheduler;

/**
 * Chunks are checked and written on a pool, in any order (decision 0077): each is counted once it
 * passed and is on disk, none is written once its part file closed, and a bad one costs its sender.
 */
class ChunkIntakeTest {
    @TempDir
    Path temp;

    private final VirtualScheduler clock = new VirtualScheduler(1_000_000);
    private final EmbeddedLinks links = new EmbeddedLinks(DownloadPiecesFixture.peer(9));
    private final HeldExecutor work = new HeldExecutor();
    private final List<Integer> written = new ArrayList<>();
    private DownloadPiecesFixture fixture;
    private DiskProofStore proofs;
    private Download download;
    private ChunkIntake intake;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new DownloadPiecesFixture();
        proofs = new DiskProofStore(temp.resolve("files"));
        download = fixture.download(temp.resolve("downloads"), proofs);
        intake = new ChunkIntake(links, Runnable::run, work, Runnable::run, proofs,
                new HolderRequests(links, clock, FileConfig.defaults()), (ended, index) -> written.add(index));
        links.open(DownloadPiecesFixture.OFFERER);
        BitSet all = new BitSet();
        all.set(0, DownloadPiecesFixture.CHUNKS);
        download.scheduler.holderHas(DownloadPiecesFixture.OFFERER, all);
        // The fixture's window is two: chunks 0 and 1 are asked.
        assertEquals(2, download.scheduler.next(clock.nowMillis()).size());
    }

    private ChunkData chunk(int index, byte[] plain) {
        OfferedFile offer = fixture.offer;
        ChunkData.Builder data = ChunkData.newBuilder().setFileId(download.fileId).setIndex(index)
                .setSealed(ByteString.copyFrom(ChunkCipher.seal(offer.key(), offer.root(), index, plain, 0,
                        plain.length)));
        fixture.tree.proof(index).forEach(hash -> data.addProof(ByteString.copyFrom(hash)));
        return data.build();
    }

    @Test
    void chunksWhoseWorkFinishesOutOfOrderAreEachWrittenAndCountedOnceOnDisk() throws Exception {
        intake.take(DownloadPiecesFixture.OFFERER, download, chunk(0, fixture.chunk(0)));
        intake.take(DownloadPiecesFixture.OFFERER, download, chunk(1, fixture.chunk(1)));
        assertEquals(2, work.size(), "both wait on the pool");
        assertTrue(written.isEmpty());
        assertTrue(download.part.held().isEmpty(), "nothing written before its check");

        work.runNewestFirst();

        assertEquals(List.of(1, 0), written, "counted in the order they finished");
        assertEquals(bits(0, 1), download.part.held());
        assertEquals(fixture.tree.proof(1).size(), proofs.read(fixture.offer.fileId(), 1).size());
    }

    @Test
    void aChunkWhoseWorkStartsAfterItsPartFileClosedIsNeverWritten() throws Exception {
        intake.take(DownloadPiecesFixture.OFFERER, download, chunk(0, fixture.chunk(0)));
        // The download ends (stopped, expired, failed) while the chunk waits: its part file is
        // closed, then deleted with the proofs; nothing of the chunk may land after that.
        download.active = false;
        download.part.close();
        work.runNewestFirst();

        assertTrue(written.isEmpty());
        assertTrue(download.part.held().isEmpty());
        assertNull(proofs.read(fixture.offer.fileId(), 0));
        assertTrue(Files.notExists(temp.resolve("files")
                .resolve(java.util.HexFormat.of().formatHex(fixture.offer.fileId()) + ".proofs")),
                "no proofs file made again after its deletion");
    }

    @Test
    void aChunkThatFailsItsCheckOnThePoolCostsItsSenderExcludesItAndIsNotWritten() throws Exception {
        byte[] forged = fixture.chunk(1);
        forged[0] ^= 1;
        intake.take(DownloadPiecesFixture.OFFERER, download, chunk(1, forged));
        work.runNewestFirst();

        assertTrue(download.part.held().isEmpty());
        assertNull(proofs.read(fixture.offer.fileId(), 1));
        assertTrue(links.penalties().getOrDefault(DownloadPiecesFixture.OFFERER, 0.0) > 0);
        assertTrue(download.scheduler.isExcluded(DownloadPiecesFixture.OFFERER));
        assertTrue(written.isEmpty());
    }

    private static BitSet bits(int... indexes) {
        BitSet set = new BitSet();
        for (int index : indexes) {
            set.set(index);
        }
        return set;
    }
}
