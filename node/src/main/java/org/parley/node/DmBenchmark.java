package org.parley.node;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.parley.api.ApiException;
import org.parley.api.EventView;
import org.parley.api.ParleyApi;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.measure.Percentiles;

/**
 * End-to-end direct-message figures: two nodes in this process, linked over real TLS gRPC on
 * loopback, each with its SQLite database in a temporary directory. Every figure is paired with a
 * bound measured in the same run, since the machine may be shared and noisy: each of
 * {@link #ROUNDS} rounds is a burst followed by the bound, and the figures are their medians.
 */
public final class DmBenchmark {
    /**
     * What one run measured: the medians over the rounds of throughput, bound and their ratio
     * (each round's ratio is listed too), then the steady run's latency.
     */
    public record Result(int messages, double messagesPerSecond, double cryptoBoundPerSecond, double ratio,
                         List<Double> roundRatios, double allocatedBytesPerMessage, int steadyRate,
                         double latencyMsP50, double latencyMsP99, int steadyGcPauses, long steadyGcPauseMsTotal,
                         long steadyGcPauseMsMax, int warmUpRounds, double wallSeconds) {
    }

    /** One burst: messages per second, and bytes the whole process allocated per message. */
    private record Burst(double messagesPerSecond, double allocatedBytesPerMessage) {
    }

    /** The steady run: latency percentiles, and the collector's pauses during it. */
    private record Steady(double msP50, double msP99, JvmWork.Spent spent) {
    }

    /** Bursts measured, each against a bound measured right after it. */
    static final int ROUNDS = 3;

    private static final int BODY_BYTES = 100;
    private static final int SENDER_THREADS = 128;
    /** Messages in one warm-up round, at most. */
    private static final int WARM_UP_ROUND = 5000;
    /**
     * The JIT counts as settled after a round during which it compiled for less than this share
     * of the round's time. Until then it takes most of a core of its own on a small machine (a
     * node's code paths run through gRPC, TLS, protobuf, SQLite and the crypto), which a
     * long-running node pays once, not per message.
     */
    private static final double SETTLED_COMPILE_SHARE = 0.10;

    private DmBenchmark() {
    }

    public static Result run(int messages, int steadyRate, Duration steadyFor, Duration warmUpFor)
            throws IOException, ApiException, InterruptedException {
        long started = System.nanoTime();
        Path directory = Files.createTempDirectory("parley-bench");
        SecureRandom random = new SecureRandom();
        try (ParleyNode alice = BenchNodes.start("alice", directory, random, List.of());
             ParleyNode bob = BenchNodes.start("bob", directory, random, List.of(DialTarget.anyPeerAt(
                     HostPort.parse(alice.listenAddresses().get(0)))))) {
            String bobId = bob.identity().peerId().toString();
            // Bob acknowledges only his contacts' messages: strangers get no receipts.
            bob.api().addContact(alice.identity().peerId().toString(), "alice");
            BenchNodes.awaitLinked(alice.api(), bobId, Duration.ofSeconds(30), "benchmark");
            String text = "x".repeat(BODY_BYTES);
            int warmUpRounds = warmUp(alice.api(), bobId, text, Math.min(WARM_UP_ROUND, messages), warmUpFor);
            List<Double> throughputs = new ArrayList<>();
            List<Double> allocations = new ArrayList<>();
            List<Double> bounds = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                Burst burst = burst(alice.api(), bobId, text, messages);
                throughputs.add(burst.messagesPerSecond());
                allocations.add(burst.allocatedBytesPerMessage());
                // Per message: a signature and its verification, a seal and an open.
                bounds.add(CryptoBound.perSecond(random, BODY_BYTES + 150, 1, 1, 1, messages));
                ratios.add(throughputs.get(round) / bounds.get(round));
            }
            Steady steady = steady(alice.api(), bobId, text, steadyRate, steadyFor);
            return new Result(messages, median(throughputs), median(bounds), median(ratios), List.copyOf(ratios),
                    median(allocations), steadyRate, steady.msP50(), steady.msP99(), steady.spent().pauseMillis().size(),
                    steady.spent().pauseMillisTotal(), steady.spent().pauseMillisMax(), warmUpRounds,
                    (System.nanoTime() - started) / 1e9);
        } finally {
            BenchNodes.deleteTree(directory);
        }
    }

    /**
     * Sends bursts, unmeasured, until the JIT compiler has settled or {@code allowed} is spent; at
     * least one, which also starts the session. Returns how many were sent.
     */
    private static int warmUp(ParleyApi sender, String peer, String text, int round, Duration allowed)
            throws ApiException, InterruptedException {
        CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        boolean measurable = compiler != null && compiler.isCompilationTimeMonitoringSupported();
        long deadline = System.nanoTime() + allowed.toNanos();
        int rounds = 0;
        while (true) {
            long compiledBefore = measurable ? compiler.getTotalCompilationTime() : 0;
            long start = System.nanoTime();
            burst(sender, peer, text, round);
            rounds++;
            long roundMillis = (System.nanoTime() - start) / 1_000_000;
            boolean settled = !measurable
                    || compiler.getTotalCompilationTime() - compiledBefore < SETTLED_COMPILE_SHARE * roundMillis;
            if (settled || System.nanoTime() >= deadline) {
                return rounds;
            }
        }
    }

    /**
     * Sends {@code count} messages as fast as they are taken: messages per second until all are
     * delivered, and the bytes both nodes (and the sending threads) allocated per message.
     */
    private static Burst burst(ParleyApi sender, String peer, String text, int count) throws ApiException,
            InterruptedException {
        CountDownLatch delivered = new CountDownLatch(count);
        // The receipt may be reported before send() has returned the ID, so each ID is counted
        // once by the sender and once by the watcher; the second of the two counts it delivered.
        Map<String, Integer> sightings = new ConcurrentHashMap<>();
        try (ParleyApi.Subscription watching = sender.watch(event -> {
            if (event.type().equals(EventView.UPDATE) && "delivered".equals(event.message().state())
                    && sightings.merge(event.message().id(), 1, Integer::sum) == 2) {
                delivered.countDown();
            }
        })) {
            ExecutorService senders = Executors.newFixedThreadPool(SENDER_THREADS);
            JvmWork work = JvmWork.start();
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                senders.execute(() -> {
                    try {
                        if (sightings.merge(sender.send(peer, text).id(), 1, Integer::sum) == 2) {
                            delivered.countDown();
                        }
                    } catch (ApiException e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
            try (work) {
                if (!delivered.await(5, TimeUnit.MINUTES)) {
                    throw new ApiException("the benchmark's messages were not all delivered");
                }
                double perSecond = count / ((System.nanoTime() - start) / 1e9);
                // Measured before the sending threads end, which would take their counts with them.
                return new Burst(perSecond, work.stop().allocatedBytes() / (double) count);
            } finally {
                senders.shutdown();
            }
        }
    }

    /**
     * Sends at {@code rate} per second for {@code duration}: send-to-delivered latency p50 and p99,
     * in ms, and the collector's pauses meanwhile.
     */
    private static Steady steady(ParleyApi sender, String peer, String text, int rate, Duration duration)
            throws ApiException, InterruptedException {
        int count = (int) (rate * duration.toMillis() / 1000);
        Map<String, Long> sentAt;
        JvmWork.Spent spent;
        Map<String, Long> deliveredAt = new ConcurrentHashMap<>();
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch delivered = new CountDownLatch(count);
        try (ParleyApi.Subscription watching = sender.watch(event -> {
            if (event.type().equals(EventView.UPDATE)) {
                deliveredAt.put(event.message().id(), System.nanoTime());
                delivered.countDown();
            }
        })) {
            JvmWork work = JvmWork.start();
            PacedSends sends = PacedSends.start(count, rate, SENDER_THREADS, () -> sender.send(peer, text).id());
            boolean all;
            try (sends; work) {
                all = delivered.await(5, TimeUnit.MINUTES);
                spent = work.stop();
            }
            if (!all) {
                throw new ApiException("the benchmark's messages were not all delivered");
            }
            sentAt = sends.startedAt();
        }
        sentAt.forEach((id, start) -> {
            Long end = deliveredAt.get(id);
            if (end != null) {
                latencies.add((end - start) / 1e6);
            }
        });
        Percentiles measured = new Percentiles(latencies);
        return new Steady(measured.at(0.50), measured.at(0.99), spent);
    }

    private static double median(List<Double> values) {
        return new Percentiles(values).at(0.50);
    }
}
