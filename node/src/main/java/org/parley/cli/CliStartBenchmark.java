package org.parley.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.parley.identity.Identity;
import org.parley.measure.JvmFloor;
import org.parley.measure.Percentiles;

/**
 * The wall time of whole commands as a script sees it: {@code parley id} and {@code parley send}
 * through the launcher against a running daemon, each a new process, beside the floor of starting
 * this JVM with an empty main, measured in the same run (the machine's load moves both alike).
 */
final class CliStartBenchmark {
    /** The documented shape of {@code bench cli --json}. */
    record Result(int runs, double idMsP50, double sendMsP50, double jvmFloorMsP50, double idRatio,
                  double sendRatio, double idDefaultJvmMsP50, int daemonIdleSeconds, double daemonIdleRssMiB,
                  double wallSeconds) {
    }

    private static final long DAEMON_START_SECONDS = 120;
    private static final long COMMAND_SECONDS = 60;

    private final Path launcher;
    private final Path home;
    private final Map<String, String> environment;
    /** The benchmark's daemon once started, for the clean-up when the benchmark is interrupted. */
    private volatile Process daemon;

    private CliStartBenchmark(Path launcher, Path home, String passphrase) {
        this.launcher = launcher;
        this.home = home;
        this.environment = Map.of("PARLEY_PASSPHRASE", passphrase);
    }

    static Result run(Path launcher, int runs, int idleSeconds) throws IOException, InterruptedException,
            CliException {
        long started = System.nanoTime();
        Path home = Files.createTempDirectory("parley-bench-cli");
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        CliStartBenchmark bench = new CliStartBenchmark(launcher, home.resolve("home"),
                HexFormat.of().formatHex(secret));
        // Interrupted (Ctrl-C, a kill), the benchmark takes its daemon and throwaway home with it
        // rather than leave a daemon running on a home nobody knows the passphrase of.
        Thread cleanUp = new Thread(() -> bench.stopDaemonAndDelete(home), "bench-cli-clean-up");
        Runtime.getRuntime().addShutdownHook(cleanUp);
        try {
            return bench.measure(runs, idleSeconds, started);
        } finally {
            bench.stopDaemonAndDelete(home);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanUp);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs anyway and finds nothing left to do.
            }
        }
    }

    private Result measure(int runs, int idleSeconds, long started) throws IOException, InterruptedException,
            CliException {
        command("init", "--home", home.toString(), "--name", "bench");
        Process daemon = start(List.of(launcher.toString(), "daemon", "--home", home.toString(), "--listen",
                "127.0.0.1:0", "--no-relay"));
        this.daemon = daemon;
        try {
            awaitDaemon(daemon);
            String stranger = Identity.generate("stranger", new SecureRandom()).peerId().toString();
            List<String> id = List.of(launcher.toString(), "id", "--home", home.toString());
            List<String> send = List.of(launcher.toString(), "send", "--home", home.toString(), stranger, "hello");
            List<String> floor = List.of(javaBinary(), "-cp", ownJar(), JvmFloor.class.getName());
            // The launcher's quick start is left out when PARLEY_JAVA_OPTS is set: the same command
            // with the JVM's defaults shows what the quick start saves.
            List<String> idDefaultJvm = List.of("env", "PARLEY_JAVA_OPTS=-Xshare:auto", launcher.toString(), "id",
                    "--home", home.toString());
            // The first command after a build also writes the launcher's class-data archive.
            timed(id);
            timed(send);
            timed(floor);
            List<Double> idMs = new ArrayList<>();
            List<Double> sendMs = new ArrayList<>();
            List<Double> floorMs = new ArrayList<>();
            List<Double> idDefaultJvmMs = new ArrayList<>();
            for (int round = 0; round < runs; round++) {
                floorMs.add(timed(floor));
                idMs.add(timed(id));
                sendMs.add(timed(send));
                idDefaultJvmMs.add(timed(idDefaultJvm));
            }
            // The launcher execs the JVM, so the process started is the daemon itself.
            Thread.sleep(TimeUnit.SECONDS.toMillis(idleSeconds));
            double idleRssMiB = residentMiB(daemon.pid());
            double idP50 = new Percentiles(idMs).at(0.5);
            double sendP50 = new Percentiles(sendMs).at(0.5);
            double floorP50 = new Percentiles(floorMs).at(0.5);
            return new Result(runs, idP50, sendP50, floorP50, idP50 / floorP50, sendP50 / floorP50,
                    new Percentiles(idDefaultJvmMs).at(0.5), idleSeconds, idleRssMiB,
                    (System.nanoTime() - started) / 1e9);
        } finally {
            stopDaemon();
        }
    }

    private void stopDaemon() throws InterruptedException {
        Process started = daemon;
        if (started != null) {
            started.destroy();
            if (!started.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
                started.destroyForcibly();
            }
        }
    }

    private synchronized void stopDaemonAndDelete(Path tree) {
        try {
            stopDaemon();
            deleteTree(tree);
        } catch (IOException | InterruptedException e) {
            System.err.println("parley bench cli: could not remove " + tree + ": " + e.getMessage());
        }
    }

    /** Milliseconds from starting the process until it exited successfully. */
    private double timed(List<String> commandLine) throws IOException, InterruptedException, CliException {
        long begin = System.nanoTime();
        Process process = start(commandLine);
        process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new CliException("'" + describe(commandLine) + "' did not finish");
        }
        double millis = (System.nanoTime() - begin) / 1e6;
        if (process.exitValue() != 0) {
            throw new CliException("'" + describe(commandLine) + "' failed with exit code " + process.exitValue());
        }
        return millis;
    }

    private static String describe(List<String> commandLine) {
        return String.join(" ", commandLine.subList(0, Math.min(commandLine.size(), 3)));
    }

    private void command(String... arguments) throws IOException, InterruptedException, CliException {
        List<String> commandLine = new ArrayList<>();
        commandLine.add(launcher.toString());
        commandLine.addAll(List.of(arguments));
        timed(commandLine);
    }

    private Process start(List<String> commandLine) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(commandLine).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(environment);
        // What is measured is the launcher's own choice of JVM options, for commands and daemon alike.
        builder.environment().remove("PARLEY_JAVA_OPTS");
        builder.environment().remove("PARLEY_DAEMON_JAVA_OPTS");
        return builder.start();
    }

    /** The daemon prints one line once its control API is up; its output is read to the end. */
    private static void awaitDaemon(Process daemon) throws InterruptedException, CliException {
        CountDownLatch up = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(daemon.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("parley daemon:")) {
                        up.countDown();
                    }
                }
            } catch (IOException stopped) {
                // The daemon's output ended with the daemon.
            }
        }, "bench-daemon-output");
        reader.setDaemon(true);
        reader.start();
        if (!up.await(DAEMON_START_SECONDS, TimeUnit.SECONDS)) {
            throw new CliException("the benchmark's daemon did not start within " + DAEMON_START_SECONDS + " s");
        }
    }

    /** A process's resident memory from Linux's /proc; NaN where there is none. */
    private static double residentMiB(long pid) throws IOException {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        if (!Files.isReadable(status)) {
            return Double.NaN;
        }
        for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static String ownJar() throws CliException {
        try {
            return Path.of(CliStartBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
        } catch (java.net.URISyntaxException | SecurityException e) {
            throw new CliException("cannot tell where Parley's jar is: " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
