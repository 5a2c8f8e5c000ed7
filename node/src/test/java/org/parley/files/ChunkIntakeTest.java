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
 * Chunks are checked on a pool, in any order, and written on the disk thread from the loop (decision
 * 0077): each is written once it passed, none once its download ended, and a bad one costs its sender.
 */
class ChunkIntakeTest {
    @TempDir
    Path temp;

    private final VirtualScheduler clock = new VirtualScheduler(1_000_000);
    private final EmbeddedLinks links = new EmbeddedLinks(DownloadPiecesFixture.peer(9));
    private final HeldExecutor work = new HeldExecutor();
    private final HeldExecutor disk = new HeldExecutor();
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
        intake = new ChunkIntake(links, Runnable::run, work, disk, proofs,
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
    void chunksWhoseChecksFinishOutOfOrderAreEachWrittenOnceTheyPassedAndNotBefore() throws Exception {
        intake.take(DownloadPiecesFixture.OFFERER, download, chunk(0, fixture.chunk(0)));
        intake.take(DownloadPiecesFixture.OFFERER, download, chunk(1, fixture.chunk(1)));
        assertEquals(2, work.size(), "both checks wait on the pool");
        assertEquals(0, disk.size(), "nothing is written before its check");

        work.runNewestFirst();
        assertEquals(2, disk.size());
        assertTrue(written.isEmpty(), "counted only once on disk");
        disk.runInOrder();

        assertEquals(List.of(1, 0), written, "written in the order their checks finished");
        assertEquals(bits(0, 1), download.part.held());
        assertEquals(fixture.tree.proof(1).size(), proofs.read(fixture.offer.fileId(), 1).size());
    }

    @Test
    void aChunkWhoseCheckEndsAfterItsDownloadEndedIsNeverWritten() throws Exception {
        intake.take(DownloadPiecesFixture.OFFERER, download, chunk(0, fixture.chunk(0)));
        // The download ends (stopped, expired, failed) while the chunk is checked: the end queues
        // closing and deleting on the disk, and no write of it may come after them.
        download.active = false;
        work.runNewestFirst();

        assertEquals(0, disk.size(), "nothing queued on the disk");
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

        assertEquals(0, disk.size());
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
