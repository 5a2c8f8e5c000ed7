package org.parley.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.identity.PeerId;
import org.parley.link.EmbeddedLinks;
import org.parley.messaging.MessageRecord;
import org.parley.proto.wire.v1.ChunkRequest;
import org.parley.proto.wire.v1.FileFrame;
import org.parley.proto.wire.v1.Frame;

/**
 * Chunks are read and sealed on a pool (decision 0077): a peer's requests are answered in the
 * order their reads finish, and no more than {@link FileConfig#servingPerPeer} of them are held at once.
 */
class ChunkServerTest {
    private static final PeerId BOB = DownloadPiecesFixture.peer(2);
    private static final int SERVING = 3;

    @TempDir
    Path temp;

    @Test
    void readsFinishInAnyOrderAndAtMostTheServingLimitPerPeerWaitsOnThePool() throws Exception {
        DownloadPiecesFixture fixture = new DownloadPiecesFixture();
        Path path = Files.write(temp.resolve("a.bin"), fixture.content);
        BitSet all = new BitSet();
        all.set(0, DownloadPiecesFixture.CHUNKS);
        HeldFile file = new HeldFile(fixture.offer, null, DownloadPiecesFixture.OFFERER, MessageRecord.OUT,
                FileRecord.OFFERED, all, path.toString(), null);
        EmbeddedLinks links = new EmbeddedLinks(DownloadPiecesFixture.OFFERER);
        links.open(BOB);
        HeldExecutor work = new HeldExecutor();
        FileConfig config = new FileConfig(FileConfig.DEFAULT_MAX_FILE_BYTES, 16, java.time.Duration.ofSeconds(20),
                SERVING, java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(1),
                FileConfig.DEFAULT_PARTIAL_EXPIRY, 16);
        ChunkServer server = new ChunkServer(links, Runnable::run, work, new DiskProofStore(temp.resolve("files")),
                temp.resolve("downloads"), new WholeFileChunks(), config, id -> file);

        for (int index = 0; index < SERVING + 1; index++) {
            server.serve(BOB, request(fixture, index));
        }
        assertEquals(SERVING, work.size(), "reads held on the pool for one peer");
        List<Frame> sent = links.takeSent(BOB);
        assertEquals(1, sent.size());
        assertTrue(sent.get(0).getFile().hasMissing(), "the request over the limit is told to ask later");

        work.runNewestFirst();
        List<Integer> answered = new ArrayList<>();
        for (Frame frame : links.takeSent(BOB)) {
            FileFrame body = frame.getFile();
            assertTrue(body.hasChunk());
            byte[] plain = fixture.offer.openChunk(body.getChunk().getIndex(), body.getChunk().getSealed().toByteArray(),
                    body.getChunk().getProofList().stream().map(ByteString::toByteArray).toList());
            assertEquals(fixture.chunk(body.getChunk().getIndex()).length, plain.length);
            answered.add(body.getChunk().getIndex());
        }
        assertEquals(List.of(2, 1, 0), answered, "each answered as its read finished, the last first");

        server.serve(BOB, request(fixture, 3));
        assertEquals(1, work.size(), "the reads done, the peer is served again");
    }

    private static ChunkRequest request(DownloadPiecesFixture fixture, int index) {
        return ChunkRequest.newBuilder().setFileId(ByteString.copyFrom(fixture.offer.fileId())).setIndex(index).build();
    }
}
