package org.parley.node;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.parley.api.ApiException;
import org.parley.files.ChunkCipher;
import org.parley.files.ChunkLayout;
import org.parley.files.FileRecord;
import org.parley.files.MerkleTree;
import org.parley.files.OfferedFile;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.messaging.MessageId;
import org.parley.proto.wire.v1.FileOffer;

/**
 * File figures: one receiver fetches a file from one or three holders, every node in this process
 * on its own SQLite file and folders, linked over real TLS gRPC on loopback. The first holder holds
 * the file as a sender does; the others fetched it from it beforehand, as group members that
 * downloaded a file do. The receiver's download (from the offer until the file is written, checked,
 * under its name in the downloads folder) is timed against a bound measured in the same run:
 * sealing, hashing and writing the same bytes on one thread, the least work a node that sends or
 * keeps a file does with it. The download is timed {@link #DOWNLOAD_ROUNDS} times, each a file of
 * its own, and the bound {@link #BOUND_ROUNDS} times, their rounds taking turns; each figure is the
 * median of its rounds (decisions 0074 and 0080): one round is a fraction of a second, so on a
 * shared machine a single one said more about the scheduler, and about what the JIT compiler was
 * still compiling on the other core, than about the work. Smaller files go the same way first,
 * unmeasured, until the JIT compiler has settled and twice the timed file's bytes went through.
 */
public final class FileBenchmark {
    /**
     * What one run measured.
     *
     * @param downloadSeconds the median of the download rounds' times
     * @param megabytesPerSecond the file's size (10^6 bytes) over the median download time
     * @param lowestMegabytesPerSecond the slowest download round, to show how steady they were
     * @param highestMegabytesPerSecond the fastest download round
     * @param downloadRounds how many downloads were timed
     * @param boundMegabytesPerSecond sealing, hashing and writing the same bytes on one thread: the
     *     median of the rounds
     * @param boundLowestMegabytesPerSecond the slowest round of the bound, to show how steady it was
     * @param boundHighestMegabytesPerSecond the fastest round of the bound
     * @param ratio the download's rate over the bound's
     * @param warmUpRounds smaller files fetched the same way before, unmeasured, until the JIT compiler settled
     * @param downloadCpuSeconds CPU time of the whole process (every node, the JIT compiler, the
     *     garbage collector) in a download round, the median of the rounds: on a busy machine the
     *     ratio follows the work per byte more than the wall time shows it (decision 0082)
     * @param boundCpuSeconds CPU time of the whole process in a round of the bound, the median
     */
    public record Result(long sizeBytes, int holders, double downloadSeconds, double megabytesPerSecond,
                         double lowestMegabytesPerSecond, double highestMegabytesPerSecond, int downloadRounds,
                         double boundMegabytesPerSecond, double boundLowestMegabytesPerSecond,
                         double boundHighestMegabytesPerSecond, double ratio, int warmUpRounds, double wallSeconds,
                         double downloadCpuSeconds, double boundCpuSeconds) {
    }

    /** Timed downloads, each right after a round of the bound. */
    static final int DOWNLOAD_ROUNDS = 3;
    /** Rounds of the bound: one before each download, the rest after the last. */
    static final int BOUND_ROUNDS = 5;

    /** How long any one stage may take before the run gives up. */
    private static final Duration STAGE_LIMIT = Duration.ofMinutes(10);
    /** An unmeasured warm-up file, at most. */
    private static final long WARM_UP_BYTES = 8L * 1024 * 1024;
    /** As in {@link DmBenchmark}: the JIT compiler counts as settled after a round it compiled for less than this share of. */
    private static final double SETTLED_COMPILE_SHARE = 0.10;
    /**
     * The warm-up moves at least this many times the timed file's bytes (decision 0082): paths
     * taken per TLS record or per chunk reach the JIT compiler's last tier only after some
     * thousands of calls, which small files alone did not give them before the timed rounds.
     */
    private static final int WARM_UP_SIZES = 2;

    private FileBenchmark() {
    }

    public static Result run(long size, int holders, Duration warmUpFor)
            throws IOException, ApiException, InterruptedException {
        if (size < 1 || (holders != 1 && holders != 3)) {
            throw new IllegalArgumentException("a file of at least one byte, from one or three holders");
        }
        long started = System.nanoTime();
        Path directory = Files.createTempDirectory("parley-file-bench");
        SecureRandom random = new SecureRandom();
        List<ParleyNode> nodes = new ArrayList<>();
        try {
            // The first holder, then the others (each linked to the first), then the receiver,
            // linked to every holder.
            nodes.add(BenchNodes.start("holder0", directory, random, List.of()));
            List<DialTarget> holderAddresses = new ArrayList<>(List.of(dialTarget(nodes.get(0))));
            for (int i = 1; i < holders; i++) {
                ParleyNode holder = BenchNodes.start("holder" + i, directory, random,
                        List.of(dialTarget(nodes.get(0))));
                nodes.add(holder);
                holderAddresses.add(dialTarget(holder));
            }
            ParleyNode receiver = BenchNodes.start("receiver", directory, random, holderAddresses);
            List<ParleyNode> holding = List.copyOf(nodes);
            nodes.add(receiver);
            for (ParleyNode holder : holding) {
                BenchNodes.awaitLinked(receiver.api(), holder.identity().peerId().toString(), STAGE_LIMIT,
                        "file benchmark");
            }
            for (ParleyNode holder : holding.subList(1, holding.size())) {
                BenchNodes.awaitLinked(holder.api(), holding.get(0).identity().peerId().toString(), STAGE_LIMIT,
                        "file benchmark");
            }

            Path content = directory.resolve("content");
            Files.createDirectories(content);
            int warmUpRounds = warmUp(holding, receiver, content, Math.min(size, WARM_UP_BYTES), WARM_UP_SIZES * size,
                    random, warmUpFor);
            byte[] bytes = Files.readAllBytes(write(content.resolve("bound-input.bin"), size, random));
            Path boundOut = directory.resolve("bound.bin");
            double[] bound = new double[BOUND_ROUNDS];
            double[] boundCpu = new double[BOUND_ROUNDS];
            double[] seconds = new double[DOWNLOAD_ROUNDS];
            double[] downloadCpu = new double[DOWNLOAD_ROUNDS];
            int boundRounds = 0;
            for (int round = 0; round < DOWNLOAD_ROUNDS; round++) {
                double cpu = processCpuSeconds();
                bound[boundRounds] = boundMegabytesPerSecond(bytes, boundOut, random);
                boundCpu[boundRounds++] = processCpuSeconds() - cpu;
                Timed download = fetch(holding, receiver, write(content.resolve("file-" + round + ".bin"), size,
                        random));
                seconds[round] = download.seconds();
                downloadCpu[round] = download.cpuSeconds();
            }
            while (boundRounds < BOUND_ROUNDS) {
                double cpu = processCpuSeconds();
                bound[boundRounds] = boundMegabytesPerSecond(bytes, boundOut, random);
                boundCpu[boundRounds++] = processCpuSeconds() - cpu;
            }
            Arrays.sort(bound);
            Arrays.sort(boundCpu);
            Arrays.sort(seconds);
            Arrays.sort(downloadCpu);
            double median = bound[BOUND_ROUNDS / 2];
            double medianSeconds = seconds[DOWNLOAD_ROUNDS / 2];
            double megabytesPerSecond = size / 1e6 / medianSeconds;
            return new Result(size, holders, medianSeconds, megabytesPerSecond,
                    size / 1e6 / seconds[DOWNLOAD_ROUNDS - 1], size / 1e6 / seconds[0], DOWNLOAD_ROUNDS, median,
                    bound[0], bound[BOUND_ROUNDS - 1], megabytesPerSecond / median, warmUpRounds,
                    (System.nanoTime() - started) / 1e9, downloadCpu[DOWNLOAD_ROUNDS / 2], boundCpu[BOUND_ROUNDS / 2]);
        } finally {
            nodes.forEach(ParleyNode::close);
            BenchNodes.deleteTree(directory);
        }
    }

    /**
     * Fetches files of {@code size} bytes the same way, unmeasured, until the JIT compiler has
     * settled (on a small, busy machine it takes a core of its own for a while: the paths run
     * through gRPC, TLS, protobuf, SQLite, AES-GCM and SHA-256) and at least {@code atLeast} bytes
     * went through, or until {@code allowed} is spent; at least one. Returns how many were fetched.
     */
    private static int warmUp(List<ParleyNode> holders, ParleyNode receiver, Path folder, long size, long atLeast,
                              SecureRandom random, Duration allowed)
            throws IOException, ApiException, InterruptedException {
        CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        boolean measurable = compiler != null && compiler.isCompilationTimeMonitoringSupported();
        long deadline = System.nanoTime() + allowed.toNanos();
        int rounds = 0;
        while (true) {
            long compiledBefore = measurable ? compiler.getTotalCompilationTime() : 0;
            long start = System.nanoTime();
            fetch(holders, receiver, write(folder.resolve("warm-up-" + rounds + ".bin"), size, random));
            rounds++;
            long roundMillis = (System.nanoTime() - start) / 1_000_000;
            boolean settled = !measurable
                    || compiler.getTotalCompilationTime() - compiledBefore < SETTLED_COMPILE_SHARE * roundMillis;
            if (settled && rounds * size >= atLeast || System.nanoTime() >= deadline) {
                return rounds;
            }
        }
    }

    /** A timed download: its wall time, and the CPU time the whole process spent meanwhile. */
    private record Timed(double seconds, double cpuSeconds) {
    }

    /**
     * The first holder holds {@code file}; the other holders fetch it (unmeasured); then the
     * receiver does: returns how long its download took, from the offer until the file is whole
     * in its downloads folder.
     */
    private static Timed fetch(List<ParleyNode> holders, ParleyNode receiver, Path file)
            throws ApiException, InterruptedException {
        ParleyNode first = holders.get(0);
        CompletableFuture<OfferedFile> held = new CompletableFuture<>();
        first.onLoop(() -> first.files().hold(file).whenComplete((offer, error) -> {
            if (error != null) {
                held.completeExceptionally(error);
            } else {
                held.complete(offer);
            }
        }));
        FileOffer offer = await(held, "the first holder held the file").toProto();
        PeerId from = first.identity().peerId();
        List<CompletableFuture<FileRecord>> others = new ArrayList<>();
        for (ParleyNode holder : holders.subList(1, holders.size())) {
            others.add(download(holder, from, offer));
        }
        for (CompletableFuture<FileRecord> other : others) {
            await(other, "every holder fetched the file");
        }
        double cpu = processCpuSeconds();
        long start = System.nanoTime();
        FileRecord record = await(download(receiver, from, offer), "the receiver fetched the file");
        long end = System.nanoTime();
        cpu = processCpuSeconds() - cpu;
        if (!FileRecord.COMPLETE.equals(record.state())) {
            throw new ApiException("the file benchmark's download failed: " + record.reason());
        }
        return new Timed((end - start) / 1e9, cpu);
    }

    /**
     * {@code node} takes {@code offer} as if it came in a message from {@code from} (a contact),
     * and fetches it; completes when the file is complete or failed.
     */
    private static CompletableFuture<FileRecord> download(ParleyNode node, PeerId from, FileOffer offer) {
        MessageId id = MessageId.random(new SecureRandom());
        CompletableFuture<FileRecord> done = new CompletableFuture<>();
        node.onLoop(() -> {
            node.files().addListener(file -> {
                if (id.equals(file.messageId()) && (FileRecord.COMPLETE.equals(file.state())
                        || FileRecord.FAILED.equals(file.state()))) {
                    done.complete(file);
                }
            });
            long now = System.currentTimeMillis();
            node.storage().submit(connection -> {
                node.files().store(connection, from, id, offer, false, now);
                return null;
            }).whenComplete((ignored, error) -> {
                if (error != null) {
                    done.completeExceptionally(error);
                } else {
                    node.onLoop(() -> node.files().stored(from, id, offer, false));
                }
            });
        });
        return done;
    }

    /**
     * One round of the bound, in 10^6 bytes per second: each chunk of {@code bytes} (the file, read
     * before) sealed as a holder sends it, hashed for its leaf of the tree, and written to
     * {@code out}, on this thread, and the file forced to disk.
     */
    static double boundMegabytesPerSecond(byte[] bytes, Path out, SecureRandom random) throws IOException {
        byte[] key = new byte[ChunkCipher.KEY_SIZE];
        random.nextBytes(key);
        byte[] root = new byte[MerkleTree.HASH_SIZE];
        random.nextBytes(root);
        ChunkLayout layout = ChunkLayout.of(bytes.length);
        long start = System.nanoTime();
        try (FileChannel channel = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
             OutputStream stream = java.nio.channels.Channels.newOutputStream(channel)) {
            for (int index = 0; index < layout.count(); index++) {
                int offset = (int) layout.offset(index);
                int length = layout.length(index);
                MerkleTree.leafHash(bytes, offset, length);
                stream.write(ChunkCipher.seal(key, root, index, bytes, offset, length));
            }
            stream.flush();
            channel.force(true);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Files.delete(out);
        return bytes.length / 1e6 / seconds;
    }

    /** CPU time this process has used, every thread; 0 where the JVM cannot say. */
    private static double processCpuSeconds() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long nanos = os.getProcessCpuTime();
            return nanos < 0 ? 0 : nanos / 1e9;
        }
        return 0;
    }

    private static Path write(Path path, long size, SecureRandom random) throws IOException {
        byte[] block = new byte[1024 * 1024];
        try (OutputStream out = Files.newOutputStream(path)) {
            for (long written = 0; written < size; written += block.length) {
                random.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, size - written));
            }
        }
        return path;
    }

    private static <T> T await(CompletableFuture<T> future, String what) throws ApiException, InterruptedException {
        try {
            return future.get(STAGE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ApiException("the file benchmark timed out: not " + what);
        } catch (ExecutionException e) {
            throw new ApiException("the file benchmark failed before " + what + ": " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    private static DialTarget dialTarget(ParleyNode node) throws ApiException {
        return DialTarget.anyPeerAt(HostPort.parse(node.listenAddresses().get(0)));
    }
}
