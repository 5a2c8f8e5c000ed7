package org.parley.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.parley.api.ApiException;
import org.parley.api.EventView;
import org.parley.api.ParleyApi;
import org.parley.identity.Identity;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.measure.Percentiles;
import org.parley.store.ProfileHome;

/**
 * Group figures: {@code members} nodes in this process, each with its own SQLite file, linked over
 * real TLS gRPC on loopback (bootstrapping as a tree); one group with all of them. Measures how fast
 * one member's posts reach every member, and how long a post takes to reach the last one.
 */
public final class GroupBenchmark {
    /** What one run measured. */
    public record Result(int members, int messages, double messagesPerSecond, double lastMemberMsP50,
                         double lastMemberMsP99, double setupSeconds, double wallSeconds) {
    }

    /** How long any one stage may take before the run gives up. */
    private static final Duration STAGE_LIMIT = Duration.ofMinutes(5);

    private GroupBenchmark() {
    }

    public static Result run(int members, int messages) throws IOException, ApiException, InterruptedException {
        long started = System.nanoTime();
        Path directory = Files.createTempDirectory("parley-group-bench");
        SecureRandom random = new SecureRandom();
        List<ParleyNode> nodes = new ArrayList<>();
        try {
            // A tree of bootstrap links, so that no node is everyone's way in: the group's own
            // traffic then needs the links discovery and the peer reacher open.
            nodes.add(node("m0", directory, random, List.of()));
            for (int i = 1; i < members; i++) {
                ParleyNode parent = nodes.get((i - 1) / 2);
                nodes.add(node("m" + i, directory, random,
                        List.of(DialTarget.anyPeerAt(HostPort.parse(parent.listenAddresses().get(0))))));
            }
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
            Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
            Map<String, Long> sentAt = new ConcurrentHashMap<>();
            List<Double> lastArrivals = java.util.Collections.synchronizedList(new ArrayList<>());
            Map<String, Long> lastAt = new ConcurrentHashMap<>();
            List<ParleyApi.Subscription> watching = new ArrayList<>();
            for (ParleyNode node : nodes) {
                watching.add(node.api().watch(event -> {
                    if (EventView.GROUP.equals(event.type())) {
                        String entry = event.groupMessage().entryId();
                        if (seen.computeIfAbsent(entry, id -> new AtomicInteger()).incrementAndGet() == members) {
                            lastAt.put(entry, System.nanoTime());
                        }
                    }
                }));
            }
            List<String> probes = new ArrayList<>();
            for (ParleyNode node : nodes) {
                probes.add(node.api().sendToGroup(group, "probe").entryId());
            }
            await(() -> probes.stream().allMatch(lastAt::containsKey), "every probe reached every member");
            double setup = (System.nanoTime() - started) / 1e9;

            ParleyApi sender = nodes.get(1).api();
            long start = System.nanoTime();
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < messages; i++) {
                long at = System.nanoTime();
                String entry = sender.sendToGroup(group, "message " + i).entryId();
                sentAt.put(entry, at);
                sent.add(entry);
            }
            await(() -> sent.stream().allMatch(lastAt::containsKey), "every message reached every member");
            long end = sent.stream().mapToLong(lastAt::get).max().orElse(start);
            for (String entry : sent) {
                lastArrivals.add((lastAt.get(entry) - sentAt.get(entry)) / 1e6);
            }
            watching.forEach(ParleyApi.Subscription::close);
            Percentiles latency = new Percentiles(lastArrivals);
            return new Result(members, messages, messages / ((end - start) / 1e9), latency.at(0.50), latency.at(0.99),
                    setup, (System.nanoTime() - started) / 1e9);
        } finally {
            nodes.forEach(ParleyNode::close);
            try (var walk = Files.walk(directory)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
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
            Thread.sleep(50);
        }
        throw new ApiException("the group benchmark timed out: not " + what);
    }

    private static ParleyNode node(String name, Path directory, SecureRandom random, List<DialTarget> bootstrap)
            throws IOException, ApiException {
        ProfileHome home = new ProfileHome(directory.resolve(name));
        home.create();
        byte[] contentKey = new byte[32];
        random.nextBytes(contentKey);
        return ParleyNode.startUnlocked(Identity.generate(name, random), contentKey, home,
                NodeOptions.of(new HostPort("127.0.0.1", 0), bootstrap));
    }
}
