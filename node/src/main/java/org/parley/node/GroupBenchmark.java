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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.parley.api.ApiException;
import org.parley.api.EventView;
import org.parley.api.ParleyApi;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.measure.Percentiles;

/**
 * Group figures: {@code members} nodes in this process, each with its own SQLite file, linked over
 * real TLS gRPC on loopback (bootstrapping as a tree); one group with all of them. As for direct
 * messages ({@link DmBenchmark}), every throughput is paired with a bound measured right after it
 * in the same run, the measured rounds follow a warm-up until the JIT compiler settled, and the
 * latency is measured apart from the throughput, at a steady rate.
 */
public final class GroupBenchmark {
    /**
     * What one run measured: the medians over the rounds of throughput (posts per second until every
     * member had all of a burst), bound and their ratio (each round's ratio listed too); the time
     * from send until the last member had a post at a steady rate; the time from founding the group
     * until every member held every other's key, apart from the time the nodes took to start, and
     * the CPU time the process spent meanwhile (all threads; the nodes are all this process runs):
     * on a machine shared with other work the wall time of setup says little, while its CPU time
     * says what the setup costs, and that on a quiet machine of C cores it takes at least CPU / C.
     */
    public record Result(int members, int messages, double messagesPerSecond, double cryptoBoundPerSecond,
                         double ratio, List<Double> roundRatios, int steadyRate, double lastMemberMsP50,
                         double lastMemberMsP99, double nodesStartSeconds, double setupSeconds,
                         double setupCpuSeconds, int warmUpRounds, double wallSeconds) {
    }

    /** Bursts measured, each against a bound measured right after it. */
    static final int ROUNDS = 3;
    /** How long any one stage may take before the run gives up. */
    private static final Duration STAGE_LIMIT = Duration.ofMinutes(5);
    /** Threads posting a burst: the sender's posts are taken as fast as it stores them, as a busy client would. */
    private static final int SENDER_THREADS = 16;
    private static final int BODY_BYTES = 100;
    /** Posts in one warm-up burst, at most. */
    private static final int WARM_UP_ROUND = 500;
    /** As in {@link DmBenchmark}: the JIT compiler counts as settled after a burst it compiled for less than this share of. */
    private static final double SETTLED_COMPILE_SHARE = 0.10;

    private GroupBenchmark() {
    }

    public static Result run(int members, int messages, int steadyRate, Duration warmUpFor)
            throws IOException, ApiException, InterruptedException {
        long started = System.nanoTime();
        Path directory = Files.createTempDirectory("parley-group-bench");
        SecureRandom random = new SecureRandom();
        List<ParleyNode> nodes = new ArrayList<>();
        try {
            // A tree of bootstrap links, so that no node is everyone's way in: the group's own
            // traffic then needs the links discovery and the peer reacher open.
            nodes.add(BenchNodes.start("m0", directory, random, List.of()));
            for (int i = 1; i < members; i++) {
                ParleyNode parent = nodes.get((i - 1) / 2);
                nodes.add(BenchNodes.start("m" + i, directory, random,
                        List.of(DialTarget.anyPeerAt(HostPort.parse(parent.listenAddresses().get(0))))));
            }
            double nodesStart = (System.nanoTime() - started) / 1e9;
            Arrivals arrivals = new Arrivals(members);
            List<ParleyApi.Subscription> watching = new ArrayList<>();
            for (ParleyNode node : nodes) {
                watching.add(node.api().watch(arrivals::seen));
            }
            long setupStart = System.nanoTime();
            long setupCpuStart = processCpuNanos();
            String group = setUp(nodes, arrivals);
            double setup = (System.nanoTime() - setupStart) / 1e9;
            double setupCpu = (processCpuNanos() - setupCpuStart) / 1e9;

            ParleyApi sender = nodes.get(1).api();
            String text = "x".repeat(BODY_BYTES);
            int warmUpRounds = warmUp(sender, group, text, arrivals, Math.min(WARM_UP_ROUND, messages), warmUpFor);
            List<Double> throughputs = new ArrayList<>();
            List<Double> bounds = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                throughputs.add(burst(sender, group, text, arrivals, messages));
                // Per post: the sender's signature, a verification by each other member, and a seal
                // and an open per member.
                bounds.add(CryptoBound.perSecond(random, BODY_BYTES + 150, members - 1, members, members, messages));
                ratios.add(throughputs.get(round) / bounds.get(round));
            }
            Percentiles latency = steady(sender, group, text, arrivals, messages, steadyRate);
            watching.forEach(ParleyApi.Subscription::close);
            return new Result(members, messages, median(throughputs), median(bounds), median(ratios),
                    List.copyOf(ratios), steadyRate, latency.at(0.50), latency.at(0.99), nodesStart, setup, setupCpu,
                    warmUpRounds, (System.nanoTime() - started) / 1e9);
        } finally {
            nodes.forEach(ParleyNode::close);
            BenchNodes.deleteTree(directory);
        }
    }

    /** When each post was held by the last of the members: every member's watcher reports here. */
    private static final class Arrivals {
        private final int members;
        private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        private final Map<String, Long> lastAt = new ConcurrentHashMap<>();
        private final AtomicReference<CountDownLatch> complete = new AtomicReference<>(new CountDownLatch(0));

        Arrivals(int members) {
            this.members = members;
        }

        void seen(EventView event) {
            if (EventView.GROUP.equals(event.type())) {
                String entry = event.groupMessage().entryId();
                if (seen.computeIfAbsent(entry, id -> new AtomicInteger()).incrementAndGet() == members) {
                    lastAt.put(entry, System.nanoTime());
                    complete.get().countDown();
                }
            }
        }

        /** Counts the next {@code count} posts the last member gets (posts of the group not yet sent). */
        CountDownLatch expect(int count) {
            CountDownLatch latch = new CountDownLatch(count);
            complete.set(latch);
            return latch;
        }

        Long lastAt(String entry) {
            return lastAt.get(entry);
        }
    }

    /** Founds the group, invites and joins every member, and waits until each one's probe reached all. */
    private static String setUp(List<ParleyNode> nodes, Arrivals arrivals) throws ApiException, InterruptedException {
        ParleyApi admin = nodes.get(0).api();
        String group = admin.createGroup("bench").groupId();
        for (ParleyNode member : nodes.subList(1, nodes.size())) {
            admin.inviteToGroup(group, member.identity().peerId().toString(), false);
        }
        for (ParleyNode member : nodes.subList(1, nodes.size())) {
            await(() -> member.api().groups().stream().anyMatch(view -> view.groupId().equals(group)),
                    "every member got the invitation");
            member.api().joinGroup(group);
        }
        // Every member must hold every other's sender key: a probe from each must reach all.
        List<String> probes = new ArrayList<>();
        for (ParleyNode node : nodes) {
            probes.add(node.api().sendToGroup(group, "probe").entryId());
        }
        await(() -> probes.stream().allMatch(probe -> arrivals.lastAt(probe) != null), "every probe reached every member");
        return group;
    }

    /**
     * Sends bursts, unmeasured, until the JIT compiler has settled or {@code allowed} is spent; at
     * least one. Returns how many were sent.
     */
    private static int warmUp(ParleyApi sender, String group, String text, Arrivals arrivals, int round,
                              Duration allowed) throws ApiException, InterruptedException {
        CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        boolean measurable = compiler != null && compiler.isCompilationTimeMonitoringSupported();
        long deadline = System.nanoTime() + allowed.toNanos();
        int rounds = 0;
        while (true) {
            long compiledBefore = measurable ? compiler.getTotalCompilationTime() : 0;
            long start = System.nanoTime();
            burst(sender, group, text, arrivals, round);
            rounds++;
            long roundMillis = (System.nanoTime() - start) / 1_000_000;
            boolean settled = !measurable
                    || compiler.getTotalCompilationTime() - compiledBefore < SETTLED_COMPILE_SHARE * roundMillis;
            if (settled || System.nanoTime() >= deadline) {
                return rounds;
            }
        }
    }

    /** Posts {@code count} messages as fast as the sender takes them; posts per second until every member had all. */
    private static double burst(ParleyApi sender, String group, String text, Arrivals arrivals, int count)
            throws ApiException, InterruptedException {
        CountDownLatch complete = arrivals.expect(count);
        AtomicReference<ApiException> failed = new AtomicReference<>();
        ExecutorService senders = Executors.newFixedThreadPool(SENDER_THREADS);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            senders.execute(() -> {
                try {
                    sender.sendToGroup(group, text);
                } catch (ApiException e) {
                    failed.compareAndSet(null, e);
                }
            });
        }
        senders.shutdown();
        boolean all = complete.await(STAGE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        long end = System.nanoTime();
        if (failed.get() != null) {
            throw failed.get();
        }
        if (!all) {
            throw new ApiException("the group benchmark timed out: not every post reached every member");
        }
        return count / ((end - start) / 1e9);
    }

    /**
     * Posts {@code count} messages at {@code rate} per second; the time from each send until the
     * last member had it, in ms.
     */
    private static Percentiles steady(ParleyApi sender, String group, String text, Arrivals arrivals, int count,
                                      int rate) throws ApiException, InterruptedException {
        CountDownLatch complete = arrivals.expect(count);
        boolean all;
        Map<String, Long> sentAt;
        try (PacedSends sends = PacedSends.start(count, rate, SENDER_THREADS,
                () -> sender.sendToGroup(group, text).entryId())) {
            all = complete.await(STAGE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            sentAt = sends.startedAt();
        }
        if (!all) {
            throw new ApiException("the group benchmark timed out: not every post reached every member");
        }
        List<Double> lastArrivals = Collections.synchronizedList(new ArrayList<>());
        sentAt.forEach((entry, start) -> lastArrivals.add((arrivals.lastAt(entry) - start) / 1e6));
        return new Percentiles(lastArrivals);
    }

    /** CPU time of the whole process so far, in ns; 0 on a JVM that does not tell. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? Math.max(0, os.getProcessCpuTime()) : 0;
    }

    private static double median(List<Double> values) {
        return new Percentiles(values).at(0.50);
    }

    private interface Condition {
        boolean holds() throws ApiException;
    }

    private static void await(Condition condition, String what) throws ApiException, InterruptedException {
        long deadline = System.nanoTime() + STAGE_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.holds()) {
                return;
            }
            Thread.sleep(5);
        }
        throw new ApiException("the group benchmark timed out: not " + what);
    }
}
