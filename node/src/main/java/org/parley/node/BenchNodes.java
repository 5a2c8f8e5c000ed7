package org.parley.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.parley.api.ApiException;
import org.parley.api.ParleyApi;
import org.parley.identity.Identity;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.store.ProfileHome;

/** What the in-process benchmarks share: whole nodes on loopback in throwaway homes, and waiting for links. */
final class BenchNodes {
    private BenchNodes() {
    }

    /**
     * How long the benchmarks' API calls wait for a node: a run puts up to fifty nodes in this
     * process, each with a small share of the cores, and under a shared machine's load a setup call
     * waited longer than a daemon's ten seconds, ending the run.
     */
    private static final Duration API_TIMEOUT = Duration.ofMinutes(2);

    /** A node in its own fresh home under {@code directory}, listening on a free loopback port. */
    static ParleyNode start(String name, Path directory, SecureRandom random, List<DialTarget> bootstrap)
            throws IOException, ApiException {
        ProfileHome home = new ProfileHome(directory.resolve(name));
        home.create();
        byte[] contentKey = new byte[32];
        random.nextBytes(contentKey);
        return ParleyNode.startUnlocked(Identity.generate(name, random), contentKey, home,
                NodeOptions.of(new HostPort("127.0.0.1", 0), bootstrap).withApiTimeout(API_TIMEOUT));
    }

    /** Waits until {@code api}'s node lists {@code peer} among its links; {@code benchmark} names it in the error. */
    static void awaitLinked(ParleyApi api, String peer, Duration limit, String benchmark)
            throws ApiException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (api.peers().stream().anyMatch(view -> view.peerId().equals(peer))) {
                return;
            }
            Thread.sleep(20);
        }
        throw new ApiException("the " + benchmark + "'s nodes did not link");
    }

    /** Removes the benchmark's homes: nothing a run made stays on disk. */
    static void deleteTree(Path directory) throws IOException {
        try (var walk = Files.walk(directory)) {
            walk.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
