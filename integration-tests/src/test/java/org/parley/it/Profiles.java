package org.parley.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.parley.api.ApiException;
import org.parley.api.PeerView;
import org.parley.control.ControlClient;
import org.parley.crypto.Argon2id;
import org.parley.identity.Identity;
import org.parley.identity.Keystore;
import org.parley.store.ProfileHome;
import org.parley.testing.Eventually;

/** Profiles and their daemons, as separate processes started through the launcher. */
final class Profiles implements AutoCloseable {
    static final String PASSPHRASE = "integration passphrase";
    private static final Duration WAIT = Duration.ofSeconds(60);
    /**
     * A daemon's JVM, keystore and first TLS start take this long at most, even on a machine under
     * load (at a load average of 28 on two cores one took over a minute).
     */
    static final Duration DAEMON_START = Duration.ofSeconds(120);

    private final Path work;
    private final Launcher parley;
    private final List<Process> processes = new ArrayList<>();
    /** Where each daemon's standard output went, in the order of {@link #processes}. */
    private final List<Path> outputs = new ArrayList<>();
    private final HeldClients held = new HeldClients();

    Profiles(Path work) {
        this.work = work;
        this.parley = new Launcher(work).withEnv("PARLEY_PASSPHRASE", PASSPHRASE).withoutEnv("PARLEY_HOME");
    }

    Launcher launcher() {
        return parley;
    }

    /** Creates a profile and returns its peer ID (see {@link #create}). */
    String init(String name) throws Exception {
        return create(home(name), name);
    }

    /**
     * Creates a profile at {@code home} for {@link #PASSPHRASE}, as {@code parley init} does, but
     * in this JVM and with a keystore whose Argon2id costs 1 MiB and one pass: a profile is set-up
     * here, not what is tested (the command itself is, in {@link CommandSequenceTest},
     * {@link CliErrorsTest} and {@link PackagingTest}). The keystore names its cost in its own
     * header, so the daemon opens it as any other, and neither a JVM for {@code init} nor the
     * default 64 MiB and three passes at every daemon start are spent on it.
     */
    static String create(Path home, String name) throws Exception {
        ProfileHome profile = new ProfileHome(home);
        profile.create();
        Identity identity = Identity.generate(name, new SecureRandom());
        Keystore.create(profile.keystore(), identity, PASSPHRASE.toCharArray(), SET_UP_COST, new SecureRandom());
        return identity.peerId().toString();
    }

    private static final Argon2id.Cost SET_UP_COST = new Argon2id.Cost(1024, 1, 1);

    /**
     * The peer ID that {@code init} printed: reading it there spares a second JVM ({@code id})
     * for every profile; the CLI tests check that init and id agree.
     */
    static String peerIdOf(Launcher.Result init) {
        return init.stdout().lines().filter(line -> line.startsWith("Peer ID:"))
                .map(line -> line.substring("Peer ID:".length()).strip()).findFirst()
                .orElseThrow(() -> new AssertionError("init printed no peer ID: " + init));
    }

    Path home(String name) {
        return work.resolve(name);
    }

    /** Starts the daemon of {@code name} and waits until its control API answers. */
    Process startDaemon(String name, int port, String... bootstrap) throws Exception {
        return startDaemonAt(name, "127.0.0.1", port, bootstrap);
    }

    /**
     * Starts the daemon of {@code name} on a loopback address of its own choosing (any of
     * 127.0.0.0/8): daemons in different /24s look like different networks to the DHT's limits.
     */
    Process startDaemonAt(String name, String host, int port, String... bootstrap) throws Exception {
        List<String> args = new ArrayList<>(List.of("daemon", "--home", home(name).toString(),
                "--listen", host + ":" + port));
        for (String address : bootstrap) {
            args.add("--bootstrap");
            args.add(address);
        }
        long start = System.nanoTime();
        Process daemon = parley.start(name + "-" + processes.size(), args.toArray(String[]::new));
        outputs.add(work.resolve(name + "-" + processes.size() + ".out"));
        processes.add(daemon);
        Instant deadline = Instant.now().plus(DAEMON_START);
        while (Instant.now().isBefore(deadline)) {
            if (!daemon.isAlive()) {
                throw new AssertionError("daemon " + name + " exited with " + daemon.exitValue() + ": "
                        + Files.readString(work.resolve(name + "-" + (processes.size() - 1) + ".err")).strip());
            }
            if (answers(home(name))) {
                Steps.took("daemon " + name + " answered", start);
                // The launcher replaced itself with the daemon's JVM, which took the options added for tests.
                List<String> jvm = daemon.info().arguments().map(List::of).orElse(List.of());
                assertTrue(jvm.contains(Launcher.QUICK_COMPILER_ONLY), "the daemon's JVM options: " + jvm);
                return daemon;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("daemon " + name + " did not start");
    }

    /** Whether a daemon answers on {@code home}'s control API: one call, no process started. */
    static boolean answers(Path home) {
        try (ControlClient client = ControlClient.connect(new ProfileHome(home)).orElse(null)) {
            if (client == null) {
                return false;
            }
            client.identity();
            return true;
        } catch (ApiException notYet) {
            return false; // starting
        }
    }

    ControlClient client(String name) throws ApiException {
        return ControlClient.connectOrExplain(new ProfileHome(home(name)));
    }

    /** Asks {@code name}'s daemon on a client kept for the next question: for what a test polls. */
    <T> T ask(String name, HeldClients.Question<T> question) throws Exception {
        return held.ask(home(name), question);
    }

    void awaitLinked(String name, String peerId) throws Exception {
        await(() -> ask(name, client -> client.peers().stream().map(PeerView::peerId).anyMatch(peerId::equals)),
                name + " linked to " + peerId);
    }

    private static final Duration POLL = Duration.ofMillis(100);

    interface Condition extends Eventually.Condition {
    }

    static void await(Condition condition, String what) throws Exception {
        await(condition, what, WAIT);
    }

    /** Asks every 100 ms: most conditions here run a command or call a daemon, which costs more than a loop's poll. */
    static void await(Condition condition, String what, Duration wait) throws Exception {
        long start = System.nanoTime();
        Eventually.await(condition, what, wait, POLL);
        Steps.took("waited for " + what, start);
    }

    /**
     * Waits until a {@code watch --json} writing to {@code out} is live (its first line, the
     * {@code watching} event, is there): what happens from then on reaches it.
     */
    static void awaitWatching(Path out) throws Exception {
        await(() -> Files.exists(out) && Files.readString(out).contains("\"type\":\"watching\""),
                "the watch on " + out.getFileName() + " to go live");
    }

    /** Stops a daemon with SIGKILL: no shutdown hook, nothing flushed. */
    static void kill9(Process daemon) throws InterruptedException {
        daemon.destroyForcibly();
        daemon.waitFor(20, TimeUnit.SECONDS);
    }

    /** Every file of a home's database, for searching their raw bytes. */
    List<Path> databaseFiles(String name) throws IOException {
        List<Path> files = new ArrayList<>();
        try (var listing = Files.list(home(name))) {
            listing.filter(file -> file.getFileName().toString().startsWith("parley.db")).forEach(files::add);
        }
        return files;
    }

    /** The last {@code lines} lines of a profile's log: what a failed test prints to say why. */
    String logTail(String name, int lines) {
        Path log = new ProfileHome(home(name)).logFile();
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + log + ": " + e.getMessage() + ")";
        }
    }

    /**
     * Stops the daemons (SIGTERM, then SIGKILL after {@link Daemons#STOP}), then checks that none wrote a JVM
     * warning to its standard output: the launcher's class-data archive for daemons (written by
     * the first daemon after a build as it stops, then mapped by the others) must stay out of
     * what a daemon prints.
     */
    @Override
    public void close() throws InterruptedException {
        held.close();
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            if (!process.waitFor(Daemons.STOP.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        for (Path output : outputs) {
            String printed;
            try {
                printed = Files.readString(output);
            } catch (IOException e) {
                throw new AssertionError("cannot read " + output, e);
            }
            if (printed.contains("][warning]") || printed.contains("][error]")) {
                throw new AssertionError("a JVM message in the daemon's output " + output.getFileName() + ":\n" + printed);
            }
        }
    }
}
