package org.parley.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code ./parley} launcher of this checkout as a separate process, from a working
 * directory that is not the checkout (the launcher must work from anywhere).
 */
final class Launcher {
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);
    /**
     * The daemons of these tests live for seconds to minutes, and their JVMs' optimising compiler
     * spent about 1.4 s of CPU in the first seconds of each start alone, on a suite bound by its
     * two cores' CPU; the quick compiler, as every short command already uses, is enough for
     * them. What they do is the same; how fast a daemon's steady state is, the benchmarks measure
     * with the launcher's defaults.
     */
    static final String QUICK_COMPILER_ONLY = "-XX:TieredStopAtLevel=1";

    private final Path script;
    private final Path workingDirectory;
    private final Map<String, String> environment = new HashMap<>();
    /** The network namespace commands run in ({@code ip netns exec}); null: this process's own. */
    private String namespace;

    Launcher(Path workingDirectory) {
        String root = System.getProperty("parley.root");
        if (root == null) {
            throw new IllegalStateException("system property parley.root is not set");
        }
        this.script = Paths.get(root, "parley").toAbsolutePath();
        this.workingDirectory = workingDirectory;
        environment.put("PARLEY_DAEMON_JAVA_OPTS", QUICK_COMPILER_ONLY);
    }

    /** The launcher script itself, for tests that run it under a terminal. */
    Path script() {
        return script;
    }

    /** A launcher like this one whose commands run inside network namespace {@code name}. */
    Launcher inNamespace(String name) {
        Launcher inside = new Launcher(workingDirectory);
        inside.environment.putAll(environment);
        inside.namespace = name;
        return inside;
    }

    Launcher withEnv(String name, String value) {
        environment.put(name, value);
        return this;
    }

    Launcher withoutEnv(String name) {
        environment.put(name, null);
        return this;
    }

    /** Runs one command to completion. */
    Result run(String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(workingDirectory, "out", ".txt");
        Path err = Files.createTempFile(workingDirectory, "err", ".txt");
        long start = System.nanoTime();
        Process process = builder(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("parley " + String.join(" ", args) + " did not finish in " + COMMAND_TIMEOUT);
        }
        Steps.took("parley " + args[0] + (args.length > 1 ? " " + args[1] : ""), start);
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Runs one command to completion with {@code input} on its standard input. */
    Result runWithInput(String input, String... args) throws IOException, InterruptedException {
        Path in = Files.createTempFile(workingDirectory, "in", ".txt");
        Files.writeString(in, input, StandardCharsets.UTF_8);
        Path out = Files.createTempFile(workingDirectory, "out", ".txt");
        Path err = Files.createTempFile(workingDirectory, "err", ".txt");
        Process process = builder(args).redirectInput(in.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("parley " + String.join(" ", args) + " did not finish in " + COMMAND_TIMEOUT);
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Starts a long-running command (a daemon); its output goes to files beside the test's. */
    Process start(String name, String... args) throws IOException {
        return builder(args)
                .redirectOutput(workingDirectory.resolve(name + ".out").toFile())
                .redirectError(workingDirectory.resolve(name + ".err").toFile())
                .start();
    }

    private ProcessBuilder builder(String... args) {
        List<String> command = new ArrayList<>();
        if (namespace != null) {
            command.addAll(List.of("ip", "netns", "exec", namespace));
        }
        command.add(script.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile());
        builder.redirectInput(ProcessBuilder.Redirect.from(Paths.get("/dev/null").toFile()));
        environment.forEach((name, value) -> {
            if (value == null) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        return builder;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }
}
