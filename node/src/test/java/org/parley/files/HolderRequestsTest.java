package org.parley.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.identity.PeerId;
import org.parley.link.EmbeddedLinks;
import org.parley.link.Misbehaviour;
import org.parley.proto.wire.v1.ChunkRequest;
import org.parley.proto.wire.v1.FileHave;
import org.parley.proto.wire.v1.Frame;
import org.parley.runtime.VirtualScheduler;

/** Who is asked what, and when: the pace of a download's requests. */
class HolderRequestsTest {
    private static final PeerId BOB = DownloadPiecesFixture.peer(2);
    private static final PeerId CAROL = DownloadPiecesFixture.peer(3);

    @TempDir
    Path temp;

    private final VirtualScheduler clock = new VirtualScheduler(1_000_000);
    private final EmbeddedLinks links = new EmbeddedLinks(DownloadPiecesFixture.peer(9));
    private final HolderRequests requests = new HolderRequests(links, clock, FileConfig.defaults());

    private static boolean asksWhoHolds(List<Frame> frames) {
        return frames.stream().anyMatch(frame -> frame.getFile().hasHaveRequest());
    }

    private static List<Integer> chunksAsked(List<Frame> frames) {
        return frames.stream().filter(frame -> frame.getFile().hasRequest())
                .map(frame -> frame.getFile().getRequest().getIndex()).toList();
    }

    private static FileHave have(Download download, int... chunks) {
        byte[] bitmap = new byte[(DownloadPiecesFixture.CHUNKS + 7) / 8];
        for (int chunk : chunks) {
            bitmap[chunk / 8] |= (byte) (1 << (chunk % 8));
        }
        return FileHave.newBuilder().setFileId(download.fileId).setBitmap(ByteString.copyFrom(bitmap)).build();
    }

    private Download download() throws Exception {
        DownloadPiecesFixture fixture = new DownloadPiecesFixture();
        Download download = fixture.download(temp.resolve("downloads"), new DiskProofStore(temp.resolve("files")));
        download.candidates.add(DownloadPiecesFixture.OFFERER);
        return download;
    }

    @Test
    void everyLinkedPeerButAnExcludedOneIsAskedWhoHoldsTheFileAndAgainOnlyWhileNoneHolds() throws Exception {
        Download download = download();
        links.open(DownloadPiecesFixture.OFFERER);
        links.open(BOB);
        links.open(CAROL);
        download.scheduler.exclude(CAROL);
        requests.askHolders(download);
        assertTrue(asksWhoHolds(links.takeSent(DownloadPiecesFixture.OFFERER)));
        assertTrue(asksWhoHolds(links.takeSent(BOB)));
        assertTrue(links.takeSent(CAROL).isEmpty(), "a holder that sent a bad chunk is not asked");

        clock.advance(FileConfig.defaults().askAgainAfter().minusMillis(1));
        requests.tick(download);
        assertTrue(links.takeSent(BOB).isEmpty(), "not yet");
        clock.advance(Duration.ofMillis(1));
        requests.tick(download);
        assertTrue(asksWhoHolds(links.takeSent(BOB)), "no holder yet: asked again");

        requests.takeHave(BOB, download, have(download, 0, 1));
        assertEquals(List.of(0, 1), chunksAsked(links.takeSent(BOB)).stream().sorted().toList());
        clock.advance(Duration.ofMinutes(1));
        requests.tick(download);
        assertFalse(asksWhoHolds(links.takeSent(BOB)), "a download with a holder does not ask around");
    }

    @Test
    void aBitmapLongerThanTheFileCostsItsSenderAndNothingIsAskedOfIt() throws Exception {
        Download download = download();
        links.open(BOB);
        requests.takeHave(BOB, download, FileHave.newBuilder().setFileId(download.fileId)
                .setBitmap(ByteString.copyFrom(new byte[64])).build());
        assertEquals(Misbehaviour.MALFORMED.penalty(), links.penalties().get(BOB));
        assertTrue(links.takeSent(BOB).isEmpty());
    }

    @Test
    void aChunkOneHolderLacksIsAskedOfAnotherAndNothingIsAskedBeforeThePartFileIsOpen() throws Exception {
        Download download = download();
        links.open(BOB);
        links.open(CAROL);
        PartFile part = download.part;
        download.part = null;
        requests.takeHave(BOB, download, have(download, 3));
        assertTrue(chunksAsked(links.takeSent(BOB)).isEmpty(), "the part file is not open yet");
        download.part = part;
        requests.pump(download);
        assertEquals(List.of(3), chunksAsked(links.takeSent(BOB)));

        requests.takeHave(CAROL, download, have(download, 3));
        assertTrue(chunksAsked(links.takeSent(CAROL)).isEmpty(), "chunk 3 is asked of one holder at a time");
        requests.takeMissing(BOB, download, ChunkRequest.newBuilder().setFileId(download.fileId).setIndex(3).build());
        assertEquals(List.of(3), chunksAsked(links.takeSent(CAROL)));
        assertTrue(chunksAsked(links.takeSent(BOB)).isEmpty(), "bob said it lacks it");
    }
}
