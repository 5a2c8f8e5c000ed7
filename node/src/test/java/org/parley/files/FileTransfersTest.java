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
import java.util.HexFormat;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.groups.GroupId;
import org.parley.groups.GroupMessageRecord;
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
import org.parley.runtime.Clock;
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
    /** A sync after every chunk, so that what a restart finds does not hang on the tick. */
    private static final FileConfig CONFIG = new FileConfig(FileConfig.DEFAULT_MAX_FILE_BYTES, WINDOW,
            Duration.ofSeconds(20), 16, Duration.ofSeconds(5), Duration.ofSeconds(1), FileConfig.DEFAULT_PARTIAL_EXPIRY,
            1);
    private static final Duration EXPIRY = FileConfig.DEFAULT_PARTIAL_EXPIRY;

    @TempDir
    Path temp;

    private final SecureRandom random = new SecureRandom();
    private final VirtualScheduler loop = new VirtualScheduler(1_000_000);
    /** The wall clock the file layers read: the loop's, moved on by {@link #jump} without running a tick per second. */
    private final JumpingClock clock = new JumpingClock();
    /** Where the file layers' disk work runs: at once, unless held to see what the loop does meanwhile. */
    private final HeldDisk disk = new HeldDisk();

    private final class JumpingClock implements Clock {
        long skewMillis;

        @Override
        public long nowMillis() {
            return loop.nowMillis() + skewMillis;
        }

        @Override
        public long monotonicNanos() {
            return loop.monotonicNanos() + skewMillis * 1_000_000;
        }
    }

    private static final class HeldDisk implements Executor {
        final Deque<Runnable> queued = new ArrayDeque<>();
        boolean holding;

        @Override
        public void execute(Runnable task) {
            if (holding) {
                queued.add(task);
            } else {
                task.run();
            }
        }
    }

    /** Moves the wall clock on by {@code duration}, then lets the loop run two ticks. */
    private void jump(Duration duration) {
        clock.skewMillis += duration.toMillis();
        loop.advance(Duration.ofSeconds(2));
    }
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
            files = FileTransfers.open(id, links, new InlineStorageQueue(database), cipher, loop, clock, random,
                    disk, disk, new DiskProofStore(home.resolve("files")),
                    CONFIG, home.resolve("downloads"), this::sendOffer);
            links.addLayer(files);
            files.postGroupOffersWith(this::postOffer);
            files.addListener(events::add);
            files.start();
        }

        final List<FileRecord> events = new ArrayList<>();

        private CompletableFuture<GroupMessageRecord> postOffer(GroupId group, String text, FileOffer offer) {
            sentOffers.add(offer);
            byte[] entry = new byte[32];
            random.nextBytes(entry);
            return CompletableFuture.completedFuture(new GroupMessageRecord(group, HexFormat.of().formatHex(entry), id,
                    text, loop.nowMillis(), loop.nowMillis(), 1));
        }

        /** The offer arrives in a post of {@code group} from the member {@code from}, as the group layer hands it over. */
        String receiveInGroup(GroupId group, PeerId from, FileOffer offer) {
            byte[] entry = new byte[32];
            random.nextBytes(entry);
            database.inTransaction(connection -> {
                files.store(connection, group, from, entry, offer, loop.nowMillis());
                return null;
            });
            files.stored(group, from, entry, offer);
            return HexFormat.of().formatHex(entry);
        }

        FileRecord groupFile(String entry) {
            return files.fileOfEntry(entry).orElseThrow();
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
        // The download asks once its part file is open.
        loop.runUntilIdle();
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
        bob.files.stop();
        // As after a crash before the disk had a listed chunk's bytes: they no longer check out.
        Path part = onlyFile(bob.home.resolve("downloads"));
        assertTrue(part.getFileName().toString().startsWith(".") && part.toString().endsWith(".parley-part"));
        int damaged = chunks.get(0).getFile().getChunk().getIndex();
        try (var channel = java.nio.channels.FileChannel.open(part, java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(new byte[64]), (long) damaged * ChunkLayout.DEFAULT_CHUNK_SIZE + 9);
        }
        bob.restart();
        assertEquals(held, bob.file(message).chunksHeld(), "the bitmap survived");
        loop.runUntilIdle();
        assertEquals(held - 1, bob.file(message).chunksHeld(), "the damaged chunk is checked again and dropped");
        alice.links.lossy().clear();
        alice.links.sendLog().clear();
        EmbeddedLinks.pair(alice.links, bob.links, loop);
        loop.advance(Duration.ofSeconds(5));

        assertEquals(FileRecord.COMPLETE, bob.file(message).state());
        assertArrayEquals(bytes, Files.readAllBytes(Path.of(bob.file(message).path())));
        assertEquals(CHUNKS - held + 1, chunksServed(alice), "only the missing and the damaged chunks fetched again");
        assertEquals(bob.file(message).path(), onlyFile(bob.home.resolve("downloads")).toString(),
                "the part file's hidden name is gone");
    }

    @Test
    void aHomeWithSealedChunksOfTheEarlierLayoutLosesThemAndTheDownloadStartsAgain() throws Exception {
        FileNode alice = new FileNode(1);
        FileNode bob = new FileNode(2);
        byte[] bytes = content();
        FileOffer offer = sendFile(alice, bob.id, bytes, "old.bin");
        byte[] fileId = ChunkCipher.fileId(offer.getKey().toByteArray(), offer.getMerkleRoot().toByteArray());
        MessageId message = bob.receive(alice.id, offer, false);
        loop.runUntilIdle();
        bob.files.stop();
        // As an earlier version left it: the bitmap lists chunks kept sealed in files/, no part file.
        byte[] all = new byte[(CHUNKS + 7) / 8];
        java.util.Arrays.fill(all, (byte) 0xff);
        bob.database.inTransaction(connection -> {
            org.parley.store.FileRows.setHeld(connection, fileId, all);
            return null;
        });
        Path folder = bob.home.resolve("files");
        Path old = Files.write(folder.resolve(HexFormat.of().formatHex(fileId) + ".chunks"),
                new byte[3 * ChunkLayout.DEFAULT_CHUNK_SIZE]);
        Files.list(bob.home.resolve("downloads")).forEach(part -> part.toFile().delete());
        bob.restart();
        loop.runUntilIdle();

        assertFalse(Files.exists(old), "the sealed chunks are deleted at start");
        assertEquals(0, bob.file(message).chunksHeld(), "nothing is held without a part file");
        EmbeddedLinks.pair(alice.links, bob.links, loop);
        loop.advance(Duration.ofSeconds(5));
        assertEquals(FileRecord.COMPLETE, bob.file(message).state());
        assertArrayEquals(bytes, Files.readAllBytes(Path.of(bob.file(message).path())));
        assertEquals(CHUNKS, chunksServed(alice), "every chunk fetched again");
    }

    /**
     * Bob fetches the file of {@code message} from alice, whose chunks are lost on the way;
     * {@code count} of them are handed over; returns the chunk frames alice sent that were not.
     */
    private List<Frame> partlyFetched(FileNode alice, FileNode bob, MessageId message, int count) {
        alice.links.lossy().add(bob.id);
        alice.links.takeSent(bob.id);
        loop.runUntilIdle();
        for (Frame have : alice.links.takeSent(bob.id)) {
            bob.links.inject(alice.id, have);
        }
        loop.runUntilIdle();
        List<Frame> chunks = alice.links.takeSent(bob.id).stream()
                .filter(frame -> frame.hasFile() && frame.getFile().hasChunk()).toList();
        for (Frame chunk : chunks.subList(0, count)) {
            bob.links.inject(alice.id, chunk);
        }
        loop.runUntilIdle();
        assertEquals(count, bob.file(message).chunksHeld());
        return chunks.subList(count, chunks.size());
    }

    @Test
    void aDownloadWithoutProgressForThirtyDaysFailsAndItsPartFileAndProofsAreDeleted() throws Exception {
        FileNode alice = new FileNode(1);
        FileNode bob = new FileNode(2);
        EmbeddedLinks.pair(alice.links, bob.links, loop);
        MessageId message = bob.receive(alice.id, sendFile(alice, bob.id, content(), "gone.bin"), false);
        List<Frame> late = partlyFetched(alice, bob, message, 1);
        Path downloads = bob.home.resolve("downloads");
        Path proofs = bob.home.resolve("files");

        // A chunk after 29 days is progress: the 30 days count again from it.
        jump(EXPIRY.minusDays(1));
        bob.links.inject(alice.id, late.get(0));
        loop.runUntilIdle();
        assertEquals(2, bob.file(message).chunksHeld());
        jump(EXPIRY.minusMinutes(1));
        assertEquals(FileRecord.DOWNLOADING, bob.file(message).state(), "59 days in, but 29 since a chunk");
        assertEquals(1, listing(downloads));

        jump(Duration.ofMinutes(1));
        FileRecord file = bob.file(message);
        assertEquals(FileRecord.FAILED, file.state());
        assertEquals("no progress for 30 days; the partial download was deleted", file.reason());
        assertEquals(0, file.chunksHeld());
        assertEquals(0, listing(downloads), "the part file is deleted");
        assertEquals(0, listing(proofs), "the proofs are deleted");
        assertEquals(FileRecord.FAILED, bob.events.get(bob.events.size() - 1).state(), "watchers are told");
        bob.restart();
        assertEquals(FileRecord.FAILED, bob.file(message).state(), "the failure is stored");
        assertTrue(bob.file(message).reason().startsWith("no progress"));
    }

    @Test
    void theExpiryCountsFromTheStoredLastProgressAcrossRestarts() throws Exception {
        FileNode alice = new FileNode(1);
        FileNode bob = new FileNode(2);
        EmbeddedLinks.pair(alice.links, bob.links, loop);
        MessageId message = bob.receive(alice.id, sendFile(alice, bob.id, content(), "slow.bin"), false);
        partlyFetched(alice, bob, message, 2);
        bob.files.stop();
        clock.skewMillis += EXPIRY.minusDays(1).toMillis();
        bob.restart();
        loop.advance(Duration.ofSeconds(2));
        assertEquals(FileRecord.DOWNLOADING, bob.file(message).state());
        assertEquals(2, bob.file(message).chunksHeld(), "resumed with what it held");

        // A timer started anew at the restart would wait 30 days more; the stored time says one.
        jump(Duration.ofDays(1));
        assertEquals(FileRecord.FAILED, bob.file(message).state());
        assertEquals(0, listing(bob.home.resolve("downloads")));

        // A download that expired while the node was stopped fails as the node starts, its part file unopened.
        MessageId other = bob.receive(alice.id, sendFile(alice, bob.id, content(), "later.bin"), false);
        loop.runUntilIdle();
        assertEquals(1, listing(bob.home.resolve("downloads")));
        bob.files.stop();
        clock.skewMillis += EXPIRY.toMillis();
        bob.restart();
        loop.runUntilIdle();
        assertEquals(FileRecord.FAILED, bob.file(other).state());
        assertEquals(0, listing(bob.home.resolve("downloads")));
    }

    @Test
    void aDownloadBeingCompletedDoesNotExpire() throws Exception {
        FileNode alice = new FileNode(1);
        FileNode bob = new FileNode(2);
        EmbeddedLinks.pair(alice.links, bob.links, loop);
        byte[] bytes = content();
        MessageId message = bob.receive(alice.id, sendFile(alice, bob.id, bytes, "last.bin"), false);
        // The disk is held: each of its tasks runs one at a time until the last chunk is written
        // and the check of the whole file waits on the disk.
        disk.holding = true;
        loop.runUntilIdle();
        while (bob.file(message).chunksHeld() < CHUNKS) {
            assertFalse(disk.queued.isEmpty(), "the download went on");
            disk.queued.poll().run();
            loop.runUntilIdle();
        }
        assertEquals(FileRecord.DOWNLOADING, bob.file(message).state());
        jump(EXPIRY.plusDays(1));
        assertEquals(FileRecord.DOWNLOADING, bob.file(message).state(), "not given up while completing");
        disk.holding = false;
        while (!disk.queued.isEmpty()) {
            disk.queued.poll().run();
            loop.runUntilIdle();
        }
        FileRecord file = bob.file(message);
        assertEquals(FileRecord.COMPLETE, file.state());
        assertArrayEquals(bytes, Files.readAllBytes(Path.of(file.path())));
        assertEquals(1, listing(bob.home.resolve("downloads")));
    }

    private GroupId group() throws Exception {
        byte[] id = new byte[GroupId.SIZE];
        random.nextBytes(id);
        return GroupId.of(id);
    }

    @Test
    void aFilePostedToAGroupIsFetchedByEveryMemberAndMembersThatHoldItServeTheOthers() throws Exception {
        FileNode alice = new FileNode(1);
        FileNode bob = new FileNode(2);
        FileNode carol = new FileNode(3);
        FileNode dave = new FileNode(4);
        EmbeddedLinks.pair(alice.links, bob.links, loop);
        EmbeddedLinks.pair(alice.links, carol.links, loop);
        GroupId club = group();
        byte[] bytes = content();
        Path path = temp.resolve("slides.pdf");
        Files.write(path, bytes);
        CompletableFuture<GroupMessageRecord> posting = alice.files.sendToGroup(club, path);
        loop.runUntilIdle();
        GroupMessageRecord posted = posting.join();
        FileOffer offer = sentOffers.get(sentOffers.size() - 1);
        FileRecord sent = alice.groupFile(posted.entryId());
        assertEquals(club, sent.group());
        assertEquals(alice.id, sent.peer());
        assertEquals(FileRecord.OFFERED, sent.state());
        assertNull(sent.messageId());

        String atBob = bob.receiveInGroup(club, alice.id, offer);
        String atCarol = carol.receiveInGroup(club, alice.id, offer);
        loop.advance(Duration.ofSeconds(5));
        assertEquals(FileRecord.COMPLETE, bob.groupFile(atBob).state());
        assertEquals(FileRecord.COMPLETE, carol.groupFile(atCarol).state());
        assertEquals(club, bob.groupFile(atBob).group());

        // Dave joins later: alice, bob and carol all serve him.
        EmbeddedLinks.pair(alice.links, dave.links, loop);
        EmbeddedLinks.pair(bob.links, dave.links, loop);
        EmbeddedLinks.pair(carol.links, dave.links, loop);
        alice.links.sendLog().clear();
        bob.links.sendLog().clear();
        carol.links.sendLog().clear();
        String atDave = dave.receiveInGroup(club, alice.id, offer);
        loop.advance(Duration.ofSeconds(5));
        assertEquals(FileRecord.COMPLETE, dave.groupFile(atDave).state());
        assertArrayEquals(bytes, Files.readAllBytes(Path.of(dave.groupFile(atDave).path())));
        assertTrue(chunksServed(alice) > 0 && chunksServed(bob) > 0 && chunksServed(carol) > 0,
                "served " + chunksServed(alice) + ", " + chunksServed(bob) + ", " + chunksServed(carol));
        assertEquals(CHUNKS, chunksServed(alice) + chunksServed(bob) + chunksServed(carol));

        // After a restart the file is still the group's.
        dave.restart();
        assertEquals(club, dave.groupFile(atDave).group());
        assertEquals(FileRecord.COMPLETE, dave.groupFile(atDave).state());
    }

    @Test
    void aGroupOfferOverTheLimitFailsAndOneNamedToEscapeLandsInsideTheDownloads() throws Exception {
        FileNode alice = new FileNode(1);
        FileNode bob = new FileNode(2);
        EmbeddedLinks.pair(alice.links, bob.links, loop);
        GroupId club = group();
        FileOffer honest = sendFile(alice, bob.id, content(), "a.bin");
        String big = bob.receiveInGroup(club, alice.id, honest.toBuilder()
                .setSize(FileConfig.DEFAULT_MAX_FILE_BYTES + 1).build());
        FileOffer escaping = sendFile(alice, bob.id, content(), "b.bin").toBuilder()
                .setName("../../../.bashrc").build();
        String escape = bob.receiveInGroup(club, alice.id, escaping);
        String malformed = bob.receiveInGroup(club, alice.id, honest.toBuilder().setKey(ByteString.EMPTY).build());
        loop.advance(Duration.ofSeconds(5));

        assertEquals(FileRecord.FAILED, bob.groupFile(big).state());
        assertTrue(bob.groupFile(big).reason().contains("limit"));
        FileRecord landed = bob.groupFile(escape);
        assertEquals(FileRecord.COMPLETE, landed.state());
        Path downloads = bob.home.resolve("downloads");
        assertEquals(downloads.resolve("bashrc").toString(), landed.path());
        assertFalse(Files.exists(temp.resolve(".bashrc")));
        assertTrue(bob.files.fileOfEntry(malformed).isEmpty(), "an offer out of shape is kept as text only");
    }

    @Test
    void aStrangersOfferIsFetchedOnceTheMessageRequestIsAccepted() throws Exception {
        FileNode alice = new FileNode(1);
        FileNode bob = new FileNode(2);
        EmbeddedLinks.pair(alice.links, bob.links, loop);
        byte[] bytes = content();
        MessageId message = bob.receive(alice.id, sendFile(alice, bob.id, bytes, "hello.txt"), true);
        loop.advance(Duration.ofSeconds(10));
        assertEquals(FileRecord.OFFERED, bob.file(message).state());

        bob.files.acceptedFrom(PeerId.fromPublicKey(new byte[32]));
        loop.advance(Duration.ofSeconds(5));
        assertEquals(FileRecord.OFFERED, bob.file(message).state(), "someone else's acceptance fetches nothing");

        bob.files.acceptedFrom(alice.id);
        loop.advance(Duration.ofSeconds(5));
        assertEquals(FileRecord.COMPLETE, bob.file(message).state());
        assertArrayEquals(bytes, Files.readAllBytes(Path.of(bob.file(message).path())));
        bob.restart();
        assertEquals(FileRecord.COMPLETE, bob.file(message).state(), "the new state was stored");
    }

    @Test
    void aFinishedDownloadKeepsNoSealedChunksAndIsServedFromTheFileItself() throws Exception {
        FileNode alice = new FileNode(1);
        FileNode bob = new FileNode(2);
        FileNode carol = new FileNode(3);
        EmbeddedLinks.pair(alice.links, bob.links, loop);
        byte[] bytes = content();
        FileOffer offer = sendFile(alice, bob.id, bytes, "big.bin");
        assertFalse(Files.exists(alice.home.resolve("files")) && listing(alice.home.resolve("files")) > 0,
                "the sender keeps no sealed copy");
        MessageId message = bob.receive(alice.id, offer, false);
        loop.advance(Duration.ofSeconds(5));
        assertEquals(FileRecord.COMPLETE, bob.file(message).state());
        assertEquals(0, listing(bob.home.resolve("files")), "sealed chunks deleted once the file is linked");

        // Alice is gone; carol fetches everything from bob, who serves it from his finished download.
        EmbeddedLinks.pair(bob.links, carol.links, loop);
        MessageId atCarol = carol.receive(alice.id, offer, false);
        loop.advance(Duration.ofSeconds(5));
        assertEquals(FileRecord.COMPLETE, carol.file(atCarol).state());
        assertArrayEquals(bytes, Files.readAllBytes(Path.of(carol.file(atCarol).path())));
        assertTrue(carol.links.penalties().isEmpty());
    }

    @Test
    void aSentFileChangedAfterItsOfferIsNoLongerServed() throws Exception {
        FileNode alice = new FileNode(1);
        FileNode bob = new FileNode(2);
        EmbeddedLinks.pair(alice.links, bob.links, loop);
        byte[] bytes = content();
        Path path = temp.resolve("draft.txt");
        Files.write(path, bytes);
        alice.files.send(bob.id, path);
        loop.runUntilIdle();
        FileOffer offer = sentOffers.get(sentOffers.size() - 1);
        bytes[ChunkLayout.DEFAULT_CHUNK_SIZE * 3] ^= 1;
        Files.write(path, bytes);
        Files.setLastModifiedTime(path, java.nio.file.attribute.FileTime.fromMillis(1_000));

        MessageId message = bob.receive(alice.id, offer, false);
        loop.advance(Duration.ofSeconds(5));
        assertEquals(FileRecord.DOWNLOADING, bob.file(message).state());
        assertEquals(0, chunksServed(alice), "a changed file is not served");
        assertTrue(bob.links.penalties().isEmpty(), "alice said missing, she sent nothing wrong");
    }

    @Test
    void watchersAreToldEachStepOfADownload() throws Exception {
        FileNode alice = new FileNode(1);
        FileNode bob = new FileNode(2);
        EmbeddedLinks.pair(alice.links, bob.links, loop);
        MessageId message = bob.receive(alice.id, sendFile(alice, bob.id, content(), "a.bin"), false);
        loop.advance(Duration.ofSeconds(5));

        List<FileRecord> told = bob.events.stream().filter(event -> message.equals(event.messageId())).toList();
        assertEquals(FileRecord.DOWNLOADING, told.get(0).state());
        assertEquals(0, told.get(0).chunksHeld());
        assertEquals(FileRecord.COMPLETE, told.get(told.size() - 1).state());
        assertTrue(told.size() >= CHUNKS, "a step per chunk of a ten-chunk file: " + told.size());
        for (int i = 1; i < told.size(); i++) {
            assertTrue(told.get(i).chunksHeld() >= told.get(i - 1).chunksHeld(), "progress only grows");
        }
        assertEquals(FileRecord.OFFERED, alice.events.get(alice.events.size() - 1).state());
    }

    private static Path onlyFile(Path folder) throws java.io.IOException {
        try (var files = Files.list(folder)) {
            List<Path> all = files.toList();
            assertEquals(1, all.size(), all.toString());
            return all.get(0);
        }
    }

    private static long listing(Path folder) throws java.io.IOException {
        if (!Files.exists(folder)) {
            return 0;
        }
        try (var files = Files.list(folder)) {
            return files.count();
        }
    }
}
