package org.parley.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.identity.PeerId;
import org.parley.link.EmbeddedLinks;
import org.parley.link.Misbehaviour;
import org.parley.messaging.MessageId;
import org.parley.messaging.MessageRecord;
import org.parley.proto.wire.v1.ChunkData;
import org.parley.proto.wire.v1.ChunkRequest;
import org.parley.proto.wire.v1.FileFrame;
import org.parley.proto.wire.v1.FileHave;
import org.parley.proto.wire.v1.FileOffer;
import org.parley.proto.wire.v1.Frame;
import org.parley.runtime.VirtualScheduler;
import org.parley.store.ContentCipher;
import org.parley.store.Database;
import org.parley.store.InlineStorageQueue;

/** Whole downloads between file layers on embedded links, on the virtual loop, with real chunk files. */
class FileTransfersTest {
    private static final int CHUNKS = 10;
    private static final int SIZE = ChunkLayout.DEFAULT_CHUNK_SIZE * (CHUNKS - 1) + 1234;
    /** Windows smaller than the file, so that several holders take part. */
    private static final int WINDOW = 3;
    private static final FileConfig CONFIG = new FileConfig(FileConfig.DEFAULT_MAX_FILE_BYTES, WINDOW,
            Duration.ofSeconds(20), 16, Duration.ofSeconds(5), Duration.ofSeconds(1));

    @TempDir
    Path temp;

    private final SecureRandom random = new SecureRandom();
    private final VirtualScheduler loop = new VirtualScheduler(1_000_000);
    private final List<FileNode> nodes = new ArrayList<>();
    private final List<FileOffer> sentOffers = new ArrayList<>();

    /** One node's file layer, its links, database and folders; {@link #restart} keeps the disk. */
    private final class FileNode {
        final PeerId id;
        final Path home;
        final Database database = Database.inMemory();
        final ContentCipher cipher;
        EmbeddedLinks links;
        FileTransfers files;

        FileNode(int n) throws Exception {
            byte[] key = new byte[32];
            key[0] = (byte) n;
            id = PeerId.fromPublicKey(key);
            home = Files.createDirectories(temp.resolve("node" + n));
            byte[] contentKey = new byte[32];
            random.nextBytes(contentKey);
            cipher = new ContentCipher(contentKey, random);
            open();
            nodes.add(this);
        }

        void open() throws Exception {
            links = new EmbeddedLinks(id);
            files = FileTransfers.open(links, new InlineStorageQueue(database), cipher, loop, loop, random,
                    Runnable::run, new DiskChunkStore(home.resolve("files"), ChunkLayout.DEFAULT_CHUNK_SIZE),
                    CONFIG, home.resolve("downloads"), this::sendOffer);
            links.addLayer(files);
            files.start();
        }

        void restart() throws Exception {
            files.stop();
            links.stopNode();
            open();
        }

        private CompletableFuture<MessageRecord> sendOffer(PeerId peer, String text, FileOffer offer) {
            sentOffers.add(offer);
            return CompletableFuture.completedFuture(new MessageRecord(MessageId.random(random), MessageRecord.OUT,
                    peer, text, loop.nowMillis(), null, MessageRecord.PENDING, null, false));
        }

        /** The offer arrives in a message from {@code from}, as the messenger hands it over. */
        MessageId receive(PeerId from, FileOffer offer, boolean request) {
            MessageId id = MessageId.random(random);
            database.inTransaction(connection -> {
                files.store(connection, from, id, offer, request, loop.nowMillis());
                return null;
            });
            files.stored(from, id, offer, request);
            return id;
        }

        FileRecord file(MessageId message) {
            return files.fileOf(message).orElseThrow();
        }
    }

    @AfterEach
    void closeDatabases() {
        nodes.forEach(node -> node.database.close());
    }

    private byte[] content() {
        byte[] bytes = new byte[SIZE];
        random.nextBytes(bytes);
        return bytes;
    }

    /** {@code sender} offers a file of random bytes to {@code peer}; returns the offer that went out. */
    private FileOffer sendFile(FileNode sender, PeerId peer, byte[] bytes, String name) throws Exception {
        Path path = temp.resolve(name);
        Files.write(path, bytes);
        sender.files.send(peer, path);
        loop.runUntilIdle();
        return sentOffers.get(sentOffers.size() - 1);
    }

    /** Chunks {@code holder} sent since its send log was last cleared. */
    private static int chunksServed(FileNode holder) {
        return (int) holder.links.sendLog().stream().filter(frame -> frame.hasFile() && frame.getFile().hasChunk())
                .count();
    }

    @Test
    void aContactsOfferIsFetchedCheckedAndWrittenIntactIntoTheDownloads() throws Exception {
        FileNode alice = new FileNode(1);
        FileNode bob = new FileNode(2);
        EmbeddedLinks.pair(alice.links, bob.links, loop);
        byte[] bytes = content();
        FileOffer offer = sendFile(alice, bob.id, bytes, "report.pdf");
        MessageId message = bob.receive(alice.id, offer, false);
        loop.advance(Duration.ofSeconds(5));

        FileRecord file = bob.file(message);
        assertEquals(FileRecord.COMPLETE, file.state());
        assertEquals(CHUNKS, file.chunksHeld());
        assertEquals(bob.home.resolve("downloads").resolve("report.pdf").toString(), file.path());
        assertArrayEquals(bytes, Files.readAllBytes(Path.of(file.path())));
        assertEquals(java.util.HexFormat.of().formatHex(MerkleTree.sha256().digest(bytes)), file.sha256());
        assertTrue(alice.links.penalties().isEmpty() && bob.links.penalties().isEmpty());
        try (var listing = Files.list(bob.home.resolve("downloads"))) {
            assertEquals(1, listing.count(), "no part file left behind");
        }
    }

    @Test
    void aSecondFileOfTheSameNameDoesNotOverwriteTheFirst() throws Exception {
        FileNode alice = new FileNode(1);
        FileNode bob = new FileNode(2);
        EmbeddedLinks.pair(alice.links, bob.links, loop);
        Path downloads = Files.createDirectories(bob.home.resolve("downloads"));
        Files.writeString(downloads.resolve("notes.txt"), "mine");
        MessageId message = bob.receive(alice.id, sendFile(alice, bob.id, content(), "notes.txt"), false);
        loop.advance(Duration.ofSeconds(5));
        assertEquals(downloads.resolve("notes (1).txt").toString(), bob.file(message).path());
        assertEquals("mine", Files.readString(downloads.resolve("notes.txt")));
    }

    @Test
    void aDownloadPullsFromSeveralHoldersAtOnce() throws Exception {
        FileNode alice = new FileNode(1);
        FileNode bob = new FileNode(2);
        FileNode carol = new FileNode(3);
        FileNode dave = new FileNode(4);
        EmbeddedLinks.pair(alice.links, bob.links, loop);
        EmbeddedLinks.pair(alice.links, carol.links, loop);
        byte[] bytes = content();
        FileOffer offer = sendFile(alice, bob.id, bytes, "video.mp4");
        // A group's members hold one offer: bob and carol fetch it first, then serve it too.
        bob.receive(alice.id, offer, false);
        carol.receive(alice.id, offer, false);
        loop.advance(Duration.ofSeconds(5));
        EmbeddedLinks.pair(alice.links, dave.links, loop);
        EmbeddedLinks.pair(bob.links, dave.links, loop);
        EmbeddedLinks.pair(carol.links, dave.links, loop);
        alice.links.sendLog().clear();
        bob.links.sendLog().clear();
        carol.links.sendLog().clear();
        MessageId message = dave.receive(alice.id, offer, false);
        loop.advance(Duration.ofSeconds(5));

        assertEquals(FileRecord.COMPLETE, dave.file(message).state());
        assertArrayEquals(bytes, Files.readAllBytes(Path.of(dave.file(message).path())));
        int fromAlice = chunksServed(alice);
        int fromBob = chunksServed(bob);
        int fromCarol = chunksServed(carol);
        assertEquals(CHUNKS, fromAlice + fromBob + fromCarol, "each chunk fetched once");
        assertTrue(fromAlice > 0 && fromBob > 0 && fromCarol > 0,
                "served " + fromAlice + ", " + fromBob + ", " + fromCarol);
    }

    @Test
    void aHolderSendingBadChunksIsScoredDownAndTheChunksComeFromElsewhere() throws Exception {
        FileNode alice = new FileNode(1);
        FileNode bob = new FileNode(2);
        EmbeddedLinks.pair(alice.links, bob.links, loop);
        PeerId mallory = PeerId.fromPublicKey(new byte[32]);
        bob.links.open(mallory);
        byte[] bytes = content();
        FileOffer offer = sendFile(alice, bob.id, bytes, "a.bin");
        byte[] fileId = ChunkCipher.fileId(offer.getKey().toByteArray(), offer.getMerkleRoot().toByteArray());
        MessageId message = bob.receive(alice.id, offer, false);
        // Mallory claims every chunk before alice answers, and answers each request with garbage.
        byte[] all = new byte[(CHUNKS + 7) / 8];
        java.util.Arrays.fill(all, (byte) 0xff);
        all[all.length - 1] = (byte) ((1 << (CHUNKS % 8)) - 1);
        bob.links.inject(mallory, Frame.newBuilder().setFile(FileFrame.newBuilder().setHave(FileHave.newBuilder()
                .setFileId(ByteString.copyFrom(fileId)).setBitmap(ByteString.copyFrom(all)))).build());
        List<Frame> asked = bob.links.takeSent(mallory);
        List<ChunkRequest> requests = asked.stream().filter(frame -> frame.getFile().hasRequest())
                .map(frame -> frame.getFile().getRequest()).toList();
        assertFalse(requests.isEmpty(), "mallory was asked too");
        ChunkRequest first = requests.get(0);
        bob.links.inject(mallory, Frame.newBuilder().setFile(FileFrame.newBuilder().setChunk(ChunkData.newBuilder()
                .setFileId(first.getFileId()).setIndex(first.getIndex())
                .setSealed(ByteString.copyFrom(new byte[ChunkLayout.DEFAULT_CHUNK_SIZE + ChunkCipher.TAG_SIZE])))).build());
        loop.advance(Duration.ofSeconds(30));

        assertEquals(Misbehaviour.BAD_CHUNK.penalty(), bob.links.penalties().get(mallory));
        FileRecord file = bob.file(message);
        assertEquals(FileRecord.COMPLETE, file.state());
        assertArrayEquals(bytes, Files.readAllBytes(Path.of(file.path())));
        assertTrue(bob.links.takeSent(mallory).stream().noneMatch(frame -> frame.getFile().hasRequest()),
                "nothing more asked of mallory");
    }

    @Test
    void aChunkNobodyAskedForIsRefusedAndCosts() throws Exception {
        FileNode alice = new FileNode(1);
        FileNode bob = new FileNode(2);
        EmbeddedLinks.pair(alice.links, bob.links, loop);
        FileOffer offer = sendFile(alice, bob.id, content(), "a.bin");
        MessageId message = bob.receive(alice.id, offer, false);
        loop.advance(Duration.ofSeconds(5));
        // Replays a chunk alice sent, after the download completed.
        Frame replayed = alice.links.sendLog().stream().filter(frame -> frame.hasFile() && frame.getFile().hasChunk())
                .findFirst().orElseThrow();
        bob.links.inject(alice.id, replayed);
        loop.runUntilIdle();
        assertEquals(Misbehaviour.UNASKED.penalty(), bob.links.penalties().get(alice.id));
        assertEquals(FileRecord.COMPLETE, bob.file(message).state());
    }

    @Test
    void aSmallFileTravelsWithItsOfferAndNeedsNoHolderOnline() throws Exception {
        FileNode alice = new FileNode(1);
        FileNode bob = new FileNode(2);
        byte[] small = new byte[OfferedFile.MAX_INLINE_BYTES];
        random.nextBytes(small);
        FileOffer offer = sendFile(alice, bob.id, small, "note.txt");
        assertEquals(small.length + ChunkCipher.TAG_SIZE, offer.getInlineChunk().size());
        // No link at all: the offer came through a mailbox while alice was away.
        MessageId message = bob.receive(alice.id, offer, false);
        loop.advance(Duration.ofSeconds(1));
        assertEquals(FileRecord.COMPLETE, bob.file(message).state());
        assertArrayEquals(small, Files.readAllBytes(Path.of(bob.file(message).path())));
        assertTrue(bob.links.sendLog().isEmpty(), "nothing asked of anyone");

        byte[] larger = new byte[OfferedFile.MAX_INLINE_BYTES + 1];
        assertTrue(sendFile(alice, bob.id, larger, "larger.bin").getInlineChunk().isEmpty(), "over the limit: fetched");
    }

    @Test
    void aForgedInlineChunkIsNotTakenAndTheFileIsFetchedInstead() throws Exception {
        FileNode alice = new FileNode(1);
        FileNode bob = new FileNode(2);
        byte[] small = new byte[1000];
        random.nextBytes(small);
        FileOffer honest = sendFile(alice, bob.id, small, "note.txt");
        byte[] forged = honest.getInlineChunk().toByteArray();
        forged[5] ^= 1;
        MessageId message = bob.receive(alice.id, honest.toBuilder().setInlineChunk(ByteString.copyFrom(forged)).build(),
                false);
        loop.advance(Duration.ofSeconds(1));
        assertEquals(FileRecord.DOWNLOADING, bob.file(message).state());
        EmbeddedLinks.pair(alice.links, bob.links, loop);
        loop.advance(Duration.ofSeconds(1));
        assertEquals(FileRecord.COMPLETE, bob.file(message).state());
        assertArrayEquals(small, Files.readAllBytes(Path.of(bob.file(message).path())));
    }

    @Test
    void aStrangersOfferIsShownButNeverFetched() throws Exception {
        FileNode alice = new FileNode(1);
        FileNode bob = new FileNode(2);
        EmbeddedLinks.pair(alice.links, bob.links, loop);
        FileOffer offer = sendFile(alice, bob.id, content(), "push.exe");
        bob.links.sendLog().clear();
        MessageId message = bob.receive(alice.id, offer, true);
        loop.advance(Duration.ofSeconds(10));
        assertEquals(FileRecord.OFFERED, bob.file(message).state());
        assertNull(bob.file(message).path());
        assertTrue(bob.links.sendLog().isEmpty(), "nothing asked of anyone");
        assertFalse(Files.exists(bob.home.resolve("downloads")));
    }

    @Test
    void anOfferOverTheLimitFailsWithoutAFetch() throws Exception {
        FileNode alice = new FileNode(1);
        FileNode bob = new FileNode(2);
        FileOffer offer = sendFile(alice, bob.id, content(), "big.iso").toBuilder()
                .setSize(FileConfig.DEFAULT_MAX_FILE_BYTES + 1).build();
        MessageId message = bob.receive(alice.id, offer, false);
        loop.advance(Duration.ofSeconds(5));
        assertEquals(FileRecord.FAILED, bob.file(message).state());
        assertTrue(bob.file(message).reason().contains("limit"));
    }

    @Test
    void aDownloadResumesAfterARestartWithoutFetchingWhatItHeld() throws Exception {
        FileNode alice = new FileNode(1);
        FileNode bob = new FileNode(2);
        EmbeddedLinks.pair(alice.links, bob.links, loop);
        byte[] bytes = content();
        FileOffer offer = sendFile(alice, bob.id, bytes, "movie.mkv");
        // Alice's chunks are lost on the way; four of them are handed over, then bob restarts.
        alice.links.lossy().add(bob.id);
        alice.links.takeSent(bob.id);
        MessageId message = bob.receive(alice.id, offer, false);
        loop.runUntilIdle();
        for (Frame have : alice.links.takeSent(bob.id)) {
            bob.links.inject(alice.id, have);
        }
        loop.runUntilIdle();
        List<Frame> chunks = alice.links.takeSent(bob.id).stream()
                .filter(frame -> frame.hasFile() && frame.getFile().hasChunk()).toList();
        assertEquals(WINDOW, chunks.size());
        for (Frame chunk : chunks.subList(0, 2)) {
            bob.links.inject(alice.id, chunk);
        }
        loop.runUntilIdle();
        int held = bob.file(message).chunksHeld();
        assertEquals(2, held);
        assertEquals(FileRecord.DOWNLOADING, bob.file(message).state());
        assertFalse(Files.exists(bob.home.resolve("downloads").resolve("movie.mkv")), "a partial file never carries the name");
        bob.restart();
        assertEquals(held, bob.file(message).chunksHeld(), "the bitmap survived");
        alice.links.lossy().clear();
        alice.links.sendLog().clear();
        EmbeddedLinks.pair(alice.links, bob.links, loop);
        loop.advance(Duration.ofSeconds(5));

        assertEquals(FileRecord.COMPLETE, bob.file(message).state());
        assertArrayEquals(bytes, Files.readAllBytes(Path.of(bob.file(message).path())));
        assertEquals(CHUNKS - held, chunksServed(alice), "only the missing chunks fetched again");
    }
}
