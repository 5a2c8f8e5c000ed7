package org.parley.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.parley.api.ApiException;
import org.parley.node.DmBenchmark;
import org.parley.node.FileBenchmark;
import org.parley.node.GroupBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure Parley on this machine.",
        subcommands = {BenchCommand.Dm.class, BenchCommand.Group.class, BenchCommand.File.class, BenchCommand.Cli.class})
final class BenchCommand implements Runnable {
    @ParentCommand
    ParleyCli cli;

    @Override
    public void run() {
        new CommandLine(this).usage(cli.context().out());
    }

    /** Prints a benchmark's figures: one JSON object, or {@code text} for a person. */
    void print(boolean json, Object result, String text) {
        cli.context().out().println(json ? Json.of(result) : text);
    }

    @Command(name = "dm", mixinStandardHelpOptions = true,
            description = {"Direct messages between two nodes in this process over TLS on loopback:",
                    "throughput against the bound of sign+verify+AEAD per message (same run; the",
                    "median of three rounds), and send-to-delivered latency at a steady rate."})
    static final class Dm implements Callable<Integer> {
        @ParentCommand
        BenchCommand parent;

        @Option(names = "--messages", defaultValue = "20000", description = "Messages in the throughput burst.")
        int messages;

        @Option(names = "--rate", defaultValue = "1000", description = "Messages per second in the latency run.")
        int rate;

        @Option(names = "--seconds", defaultValue = "5", description = "Length of the latency run.")
        int seconds;

        @Option(names = "--warm-up", defaultValue = "60", paramLabel = "SECONDS",
                description = "Longest unmeasured warm-up, until the JIT compiler settles (0: one round).")
        int warmUpSeconds;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        @Override
        public Integer call() throws CliException, InterruptedException {
            if (messages < 1 || rate < 1 || seconds < 1) {
                throw CliException.usage("--messages, --rate and --seconds must be positive");
            }
            if (warmUpSeconds < 0) {
                throw CliException.usage("--warm-up must not be negative");
            }
            DmBenchmark.Result result;
            try {
                result = DmBenchmark.run(messages, rate, Duration.ofSeconds(seconds),
                        Duration.ofSeconds(warmUpSeconds));
            } catch (ApiException | java.io.IOException e) {
                throw new CliException(e.getMessage(), e);
            }
            parent.print(json, result, String.format(Locale.ROOT,
                        "throughput   %.0f msg/s (%d messages, send to delivered)%n"
                                + "crypto bound %.0f msg/s (sign + verify + AEAD seal/open, one thread)%n"
                                + "ratio        %.2f (rounds: %s)%n"
                                + "allocated    %.0f bytes per message (the whole process, during the bursts)%n"
                                + "latency      p50 %.2f ms, p99 %.2f ms at %d msg/s%n"
                                + "gc pauses    %d during the latency run, %d ms in all, the longest %d ms%n"
                                + "warm-up      until the JIT compiler settled: %d bursts%n"
                                + "wall         %.1f s",
                        result.messagesPerSecond(), result.messages(), result.cryptoBoundPerSecond(), result.ratio(),
                        result.roundRatios().stream().map(ratio -> String.format(Locale.ROOT, "%.2f", ratio))
                                .collect(java.util.stream.Collectors.joining(", ")),
                        result.allocatedBytesPerMessage(), result.latencyMsP50(), result.latencyMsP99(),
                        result.steadyRate(), result.steadyGcPauses(), result.steadyGcPauseMsTotal(),
                        result.steadyGcPauseMsMax(), result.warmUpRounds(), result.wallSeconds()));
            return 0;
        }
    }

    @Command(name = "group", mixinStandardHelpOptions = true,
            description = {"One group of members in this process, each node on its own SQLite file, linked",
                    "over TLS on loopback: how fast one member's posts reach every member against the bound",
                    "of one signature, a verification per other member and an AEAD seal and open per member",
                    "(same run; the median of three rounds), the time from send until the last member has a",
                    "post at a steady rate (p50/p99), and how long the group took to set up."})
    static final class Group implements Callable<Integer> {
        @ParentCommand
        BenchCommand parent;

        @Option(names = "--members", defaultValue = "50", description = "Members (and nodes), 2 to 256.")
        int members;

        @Option(names = "--messages", defaultValue = "500",
                description = "Posts in each throughput burst, and in the latency run.")
        int messages;

        @Option(names = "--rate", defaultValue = "100", description = "Posts per second in the latency run.")
        int rate;

        @Option(names = "--warm-up", defaultValue = "30", paramLabel = "SECONDS",
                description = "Longest unmeasured warm-up, until the JIT compiler settles (0: one burst).")
        int warmUpSeconds;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        @Override
        public Integer call() throws CliException, InterruptedException {
            if (members < 2 || members > 256 || messages < 1) {
                throw CliException.usage("--members must be 2 to 256 and --messages positive");
            }
            if (rate < 1 || warmUpSeconds < 0) {
                throw CliException.usage("--rate must be positive and --warm-up not negative");
            }
            GroupBenchmark.Result result;
            try {
                result = GroupBenchmark.run(members, messages, rate, Duration.ofSeconds(warmUpSeconds));
            } catch (ApiException | java.io.IOException e) {
                throw new CliException(e.getMessage(), e);
            }
            parent.print(json, result, String.format(Locale.ROOT,
                        "throughput   %.0f msg/s (bursts of %d posts by one member, until every one of %d members had all)%n"
                                + "crypto bound %.0f msg/s (a signature, %d verifications, %d AEAD seals and opens, one thread)%n"
                                + "ratio        %.2f (rounds: %s)%n"
                                + "last member  p50 %.1f ms, p99 %.1f ms from send, at %d posts/s%n"
                                + "setup        %.1f s, %.1f s of CPU (invitations, joins, keys; the nodes started in %.1f s before)%n"
                                + "warm-up      until the JIT compiler settled: %d bursts%n"
                                + "wall         %.1f s",
                        result.messagesPerSecond(), result.messages(), result.members(), result.cryptoBoundPerSecond(),
                        result.members() - 1, result.members(), result.ratio(),
                        result.roundRatios().stream().map(ratio -> String.format(Locale.ROOT, "%.2f", ratio))
                                .collect(java.util.stream.Collectors.joining(", ")),
                        result.lastMemberMsP50(), result.lastMemberMsP99(), result.steadyRate(), result.setupSeconds(),
                        result.setupCpuSeconds(), result.nodesStartSeconds(), result.warmUpRounds(), result.wallSeconds()));
            return 0;
        }
    }

    @Command(name = "file", mixinStandardHelpOptions = true,
            description = {"One receiver fetches a file from one or three holders, nodes in this process over TLS",
                    "on loopback: the download (from the offer until the file is whole under its name)",
                    "against the bound of sealing, hashing and writing the same bytes on one thread,",
                    "measured in the same run (the median of five rounds, two before and three after)."})
    static final class File implements Callable<Integer> {
        @ParentCommand
        BenchCommand parent;

        @Option(names = "--size", defaultValue = "100MiB", converter = Converters.ByteSizeConverter.class,
                description = "The file's size: bytes, or with KiB, MiB or GiB (at most 1GiB).")
        long size;

        @Option(names = "--holders", defaultValue = "1", description = "Nodes holding the file: 1 or 3.")
        int holders;

        @Option(names = "--warm-up", defaultValue = "30", paramLabel = "SECONDS",
                description = "Longest unmeasured warm-up, until the JIT compiler settles (0: one smaller file).")
        int warmUpSeconds;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        @Override
        public Integer call() throws CliException, InterruptedException {
            if (holders != 1 && holders != 3) {
                throw CliException.usage("--holders must be 1 or 3");
            }
            if (warmUpSeconds < 0) {
                throw CliException.usage("--warm-up must not be negative");
            }
            FileBenchmark.Result result;
            try {
                result = FileBenchmark.run(size, holders, Duration.ofSeconds(warmUpSeconds));
            } catch (ApiException | java.io.IOException e) {
                throw new CliException(e.getMessage(), e);
            }
            parent.print(json, result, String.format(Locale.ROOT,
                    "download     %.1f MB/s (%d bytes from %d holder%s in %.2f s, until whole under its name;"
                            + " median of %d rounds, %.1f to %.1f)%n"
                            + "bound        %.1f MB/s (seal + hash + write the same bytes, one thread;"
                            + " median of 5 rounds, %.1f to %.1f)%n"
                            + "ratio        %.2f%n"
                            + "cpu          %.2f s a download, %.2f s a round of the bound (the whole process, medians)%n"
                            + "warm-up      until the JIT compiler settled: %d smaller files%n"
                            + "wall         %.1f s",
                    result.megabytesPerSecond(), result.sizeBytes(), result.holders(),
                    result.holders() == 1 ? "" : "s", result.downloadSeconds(), result.downloadRounds(),
                    result.lowestMegabytesPerSecond(), result.highestMegabytesPerSecond(),
                    result.boundMegabytesPerSecond(),
                    result.boundLowestMegabytesPerSecond(), result.boundHighestMegabytesPerSecond(),
                    result.ratio(), result.downloadCpuSeconds(), result.boundCpuSeconds(), result.warmUpRounds(),
                    result.wallSeconds()));
            return 0;
        }
    }

    @Command(name = "cli", mixinStandardHelpOptions = true,
            description = {"Whole commands as a script runs them: the wall time of 'parley id' and 'parley send'",
                    "through the launcher against a running daemon (a fresh home), beside the floor of",
                    "starting this JVM with an empty program in the same run (medians); then the",
                    "resident memory of that daemon after it idled."})
    static final class Cli implements Callable<Integer> {
        @ParentCommand
        BenchCommand parent;

        @Option(names = "--runs", defaultValue = "15", description = "Times each command is run, 3 to 200.")
        int runs;

        @Option(names = "--idle", defaultValue = "60", paramLabel = "SECONDS",
                description = "How long the daemon idles before its memory is read, 0 to 3600.")
        int idleSeconds;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        @Override
        public Integer call() throws CliException, InterruptedException {
            if (runs < 3 || runs > 200) {
                throw CliException.usage("--runs must be 3 to 200");
            }
            if (idleSeconds < 0 || idleSeconds > 3600) {
                throw CliException.usage("--idle must be 0 to 3600 seconds");
            }
            String launcher = parent.cli.context().environment().get("PARLEY_LAUNCHER");
            if (launcher == null || !java.nio.file.Files.isExecutable(java.nio.file.Path.of(launcher))) {
                throw new CliException("bench cli times the parley launcher: run it as './parley bench cli'");
            }
            CliStartBenchmark.Result result;
            try {
                result = CliStartBenchmark.run(java.nio.file.Path.of(launcher), runs, idleSeconds);
            } catch (java.io.IOException e) {
                throw new CliException(e.getMessage(), e);
            }
            parent.print(json, result, String.format(Locale.ROOT,
                    "parley id    %.0f ms (%.2f x the JVM floor)%n"
                            + "parley send  %.0f ms (%.2f x the JVM floor)%n"
                            + "JVM floor    %.0f ms (an empty program)%n"
                            + "without the launcher's quick start: parley id %.0f ms%n"
                            + "daemon idle  %.0f MiB resident after %d s%n"
                            + "runs         %d each, medians; wall %.1f s",
                    result.idMsP50(), result.idRatio(), result.sendMsP50(), result.sendRatio(),
                    result.jvmFloorMsP50(), result.idDefaultJvmMsP50(), result.daemonIdleRssMiB(),
                    result.daemonIdleSeconds(), result.runs(), result.wallSeconds()));
            return 0;
        }
    }
}
