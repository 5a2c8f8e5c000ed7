package org.parley.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.parley.identity.PeerId;
import org.parley.link.EmbeddedLinks;
import org.parley.link.FuzzedFrames;
import org.parley.messaging.MessageId;
import org.parley.proto.wire.v1.ChunkData;
import org.parley.proto.wire.v1.ChunkRequest;
import org.parley.proto.wire.v1.FileFrame;
import org.parley.proto.wire.v1.FileRef;
import org.parley.proto.wire.v1.Frame;
import org.parley.runtime.VirtualScheduler;
import org.parley.store.ContentCipher;
import org.parley.store.Database;
import org.parley.store.InlineStorageQueue;

/**
 * File frames from a contact while alice holds a file she sent it and fetches one it offered:
 * nothing escapes; every chunk alice serves opens under its offer; the download completes only
 * with the offered bytes and writes nothing else into the downloads; alice's own file is left as
 * it was, and an honest peer still gets its chunk. The fuzzer cannot know the files' random IDs,
 * so a file ID of the one byte 0 names alice's file, and of the one byte 1 the offered one.
 */
class FileFramesFuzzTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final PeerId ALICE = peer(1);
    private static final PeerId CONTACT = peer(2);
    private static final PeerId HONEST = peer(3);
    private static final Path DIRECTORY;
    /** Alice's file: one chunk, too big to travel inside its offer. */
    private static final byte[] OWN = bytes(OfferedFile.MAX_INLINE_BYTES + 1000);
    /** The contact's file: two chunks. */
    private static final byte[] OFFERED = bytes(ChunkLayout.DEFAULT_CHUNK_SIZE + 1000);
    private static final OfferedFile OFFER;

    static {
        try {
            DIRECTORY = Files.createTempDirectory("parley-file-fuzz-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(DIRECTORY)));
            Node contact = new Node(CONTACT, DIRECTORY.resolve("contact"), new VirtualScheduler(1_000_000));
            OFFER = contact.hold("offered.bin", OFFERED);
            contact.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void hostileFileFramesServeOnlyIntactChunksAndFetchOnlyTheOfferedBytes(byte[] input) throws IOException {
        Path home = DIRECTORY.resolve("alice");
        delete(home);
        VirtualScheduler loop = new VirtualScheduler(1_000_000);
        Node alice = new Node(ALICE, home, loop);
        try {
            OfferedFile own = alice.hold("own.bin", OWN);
            alice.links.open(CONTACT);
            MessageId download = MessageId.random(RANDOM);
            alice.database.inTransaction(connection -> {
                alice.files.store(connection, CONTACT, download, OFFER.toProto(), false, loop.nowMillis());
                return null;
            });
            alice.files.stored(CONTACT, download, OFFER.toProto(), false);
            loop.advance(Duration.ofMillis(100));

            for (FileFrame frame : FuzzedFrames.split(input, FileFrame.parser())) {
                alice.links.inject(CONTACT, Frame.newBuilder().setFile(named(frame, own)).build());
                loop.advance(Duration.ofMillis(100));
            }
            loop.advance(Duration.ofMinutes(1));

            for (Frame sent : alice.links.sendLog()) {
                if (sent.getFile().hasChunk()) {
                    ChunkData chunk = sent.getFile().getChunk();
                    assertArrayEquals(own.fileId(), chunk.getFileId().toByteArray(), "only alice's file is served");
                    opens(own, chunk);
                }
            }
            FileRecord fetched = alice.files.fileOf(download).orElseThrow();
            if (FileRecord.COMPLETE.equals(fetched.state())) {
                assertArrayEquals(OFFERED, Files.readAllBytes(Path.of(fetched.path())), "only the offered bytes");
            }
            try (Stream<Path> written = Files.list(home.resolve("downloads"))) {
                assertTrue(written.count() <= 1, "nothing but the download in the downloads");
            } catch (java.nio.file.NoSuchFileException none) {
                // nothing written at all
            }
            assertArrayEquals(OWN, Files.readAllBytes(home.resolve("own.bin")), "alice's file is left as it was");

            alice.links.sendLog().clear();
            alice.links.open(HONEST);
            alice.links.inject(HONEST, Frame.newBuilder().setFile(FileFrame.newBuilder().setRequest(ChunkRequest
                    .newBuilder().setFileId(ByteString.copyFrom(own.fileId())).setIndex(0))).build());
            loop.advance(Duration.ofSeconds(1));
            List<Frame> answers = alice.links.takeSent(HONEST).stream().filter(frame -> frame.getFile().hasChunk())
                    .toList();
            assertEquals(1, answers.size(), answers.toString());
            opens(own, answers.get(0).getFile().getChunk());
        } finally {
            alice.close();
        }
    }

    private static void opens(OfferedFile offer, ChunkData chunk) {
        try {
            offer.openChunk(chunk.getIndex(), chunk.getSealed().toByteArray(),
                    chunk.getProofList().stream().map(ByteString::toByteArray).toList());
        } catch (ChunkCipher.ChunkException e) {
            throw new AssertionError("a served chunk does not open: " + e.getMessage(), e);
        }
    }

    /** The frame with a file ID of one byte 0 or 1 replaced by alice's or the offered file's. */
    private static FileFrame named(FileFrame frame, OfferedFile own) {
        return switch (frame.getBodyCase()) {
            case HAVE_REQUEST -> frame.toBuilder().setHaveRequest(FileRef.newBuilder()
                    .setFileId(id(frame.getHaveRequest().getFileId(), own))).build();
            case HAVE -> frame.toBuilder().setHave(frame.getHave().toBuilder()
                    .setFileId(id(frame.getHave().getFileId(), own))).build();
            case REQUEST -> frame.toBuilder().setRequest(frame.getRequest().toBuilder()
                    .setFileId(id(frame.getRequest().getFileId(), own))).build();
            case MISSING -> frame.toBuilder().setMissing(frame.getMissing().toBuilder()
                    .setFileId(id(frame.getMissing().getFileId(), own))).build();
            case CHUNK -> frame.toBuilder().setChunk(frame.getChunk().toBuilder()
                    .setFileId(id(frame.getChunk().getFileId(), own))).build();
            default -> frame;
        };
    }

    private static ByteString id(ByteString given, OfferedFile own) {
        if (given.size() != 1 || (given.byteAt(0) != 0 && given.byteAt(0) != 1)) {
            return given;
        }
        return ByteString.copyFrom(given.byteAt(0) == 0 ? own.fileId() : OFFER.fileId());
    }

    /** A node's file layer on an in-memory database, its chunks and downloads under {@code home}. */
    private static final class Node {
        final EmbeddedLinks links;
        final Database database = Database.inMemory();
        final FileTransfers files;
        final Path home;
        final VirtualScheduler loop;

        Node(PeerId id, Path home, VirtualScheduler loop) throws IOException {
            this.home = Files.createDirectories(home);
            this.loop = loop;
            links = new EmbeddedLinks(id);
            byte[] contentKey = new byte[32];
            RANDOM.nextBytes(contentKey);
            files = FileTransfers.open(id, links, new InlineStorageQueue(database), new ContentCipher(contentKey, RANDOM),
                    loop, loop, RANDOM, Runnable::run, Runnable::run, new DiskProofStore(home.resolve("proofs")),
                    FileConfig.defaults(), home.resolve("downloads"),
                    (peer, text, offer) -> CompletableFuture.failedFuture(new IllegalStateException("not offered")));
            links.addLayer(files);
            files.start();
        }

        OfferedFile hold(String name, byte[] content) throws IOException {
            Path path = home.resolve(name);
            Files.write(path, content);
            CompletableFuture<OfferedFile> held = files.hold(path);
            loop.runUntilIdle();
            return held.join();
        }

        void close() {
            files.stop();
            database.close();
        }
    }

    private static PeerId peer(int n) {
        byte[] key = new byte[32];
        key[0] = (byte) n;
        return PeerId.fromPublicKey(key);
    }

    private static byte[] bytes(int size) {
        byte[] bytes = new byte[size];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static void delete(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
