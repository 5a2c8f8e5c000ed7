package org.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark as a user runs it, scaled down: it must finish and report every figure. How fast
 * is not asserted here; the figures go in the README from full runs.
 */
class BenchmarkTest {
    @TempDir
    Path work;

    @Test
    void benchDmReportsEveryFigure() throws Exception {
        Launcher.Result result = new Launcher(work).withoutEnv("PARLEY_HOME")
                .run("bench", "dm", "--messages", "300", "--rate", "200", "--seconds", "1", "--warm-up", "0", "--json");
        assertEquals(0, result.exitCode(), result.toString());
        JsonObject figures = JsonParser.parseString(result.stdout()).getAsJsonObject();
        assertEquals(300, figures.get("messages").getAsInt());
        assertEquals(200, figures.get("steadyRate").getAsInt());
        for (String key : new String[] {"messagesPerSecond", "cryptoBoundPerSecond", "ratio", "latencyMsP50",
                "latencyMsP99", "allocatedBytesPerMessage", "wallSeconds"}) {
            assertTrue(figures.get(key).getAsDouble() > 0, key + " in " + result.stdout());
        }
        List<Double> rounds = new ArrayList<>();
        figures.getAsJsonArray("roundRatios").forEach(ratio -> rounds.add(ratio.getAsDouble()));
        assertEquals(3, rounds.size(), result.stdout());
        Collections.sort(rounds);
        assertEquals(rounds.get(1), figures.get("ratio").getAsDouble(), 1e-9, "the median round");
        assertTrue(figures.get("latencyMsP50").getAsDouble() <= figures.get("latencyMsP99").getAsDouble());
        assertTrue(figures.get("steadyGcPauses").getAsInt() >= 0, result.stdout());
        assertTrue(figures.get("steadyGcPauseMsMax").getAsLong() <= figures.get("steadyGcPauseMsTotal").getAsLong(),
                result.stdout());
        assertEquals(1, figures.get("warmUpRounds").getAsInt(), "no time for more than the one round");
    }

    @Test
    void benchGroupReportsEveryFigure() throws Exception {
        Launcher.Result result = new Launcher(work).withoutEnv("PARLEY_HOME")
                .run("bench", "group", "--members", "3", "--messages", "20", "--rate", "50", "--warm-up", "0", "--json");
        assertEquals(0, result.exitCode(), result.toString());
        JsonObject figures = JsonParser.parseString(result.stdout()).getAsJsonObject();
        assertEquals(3, figures.get("members").getAsInt());
        assertEquals(20, figures.get("messages").getAsInt());
        assertEquals(50, figures.get("steadyRate").getAsInt());
        for (String key : new String[] {"messagesPerSecond", "cryptoBoundPerSecond", "ratio", "lastMemberMsP50",
                "lastMemberMsP99", "nodesStartSeconds", "setupSeconds", "setupCpuSeconds", "wallSeconds"}) {
            assertTrue(figures.get(key).getAsDouble() > 0, key + " in " + result.stdout());
        }
        List<Double> rounds = new ArrayList<>();
        figures.getAsJsonArray("roundRatios").forEach(ratio -> rounds.add(ratio.getAsDouble()));
        assertEquals(3, rounds.size(), result.stdout());
        Collections.sort(rounds);
        assertEquals(rounds.get(1), figures.get("ratio").getAsDouble(), 1e-9, "the median round");
        assertEquals(1, figures.get("warmUpRounds").getAsInt(), "no time for more than the one burst");
        assertTrue(figures.get("lastMemberMsP50").getAsDouble() <= figures.get("lastMemberMsP99").getAsDouble());
        Launcher.Result refused = new Launcher(work).withoutEnv("PARLEY_HOME")
                .run("bench", "group", "--members", "1");
        CliErrorsTest.assertOneLineError(refused, "--members must be 2 to 256");
    }

    @Test
    void benchFileReportsEveryFigure() throws Exception {
        Launcher.Result result = new Launcher(work).withoutEnv("PARLEY_HOME")
                .run("bench", "file", "--size", "4MiB", "--holders", "3", "--warm-up", "0", "--json");
        assertEquals(0, result.exitCode(), result.toString());
        JsonObject figures = JsonParser.parseString(result.stdout()).getAsJsonObject();
        assertEquals(4L * 1024 * 1024, figures.get("sizeBytes").getAsLong());
        assertEquals(3, figures.get("holders").getAsInt());
        for (String key : new String[] {"downloadSeconds", "megabytesPerSecond", "boundMegabytesPerSecond",
                "boundLowestMegabytesPerSecond", "boundHighestMegabytesPerSecond", "ratio", "wallSeconds",
                "downloadCpuSeconds", "boundCpuSeconds"}) {
            assertTrue(figures.get(key).getAsDouble() > 0, key + " in " + result.stdout());
        }
        // The bound and the download are each the median of their rounds, so each lies between
        // its slowest and its fastest round.
        double bound = figures.get("boundMegabytesPerSecond").getAsDouble();
        assertTrue(figures.get("boundLowestMegabytesPerSecond").getAsDouble() <= bound
                && bound <= figures.get("boundHighestMegabytesPerSecond").getAsDouble(), result.stdout());
        double download = figures.get("megabytesPerSecond").getAsDouble();
        assertEquals(3, figures.get("downloadRounds").getAsInt());
        assertTrue(figures.get("lowestMegabytesPerSecond").getAsDouble() <= download
                && download <= figures.get("highestMegabytesPerSecond").getAsDouble(), result.stdout());
        assertEquals(4.194304 / figures.get("downloadSeconds").getAsDouble(),
                figures.get("megabytesPerSecond").getAsDouble(), 1e-6, result.stdout());
        assertEquals(figures.get("megabytesPerSecond").getAsDouble() / figures.get("boundMegabytesPerSecond")
                .getAsDouble(), figures.get("ratio").getAsDouble(), 1e-9, result.stdout());
        assertTrue(figures.get("downloadSeconds").getAsDouble() < figures.get("wallSeconds").getAsDouble());
        assertEquals(1, figures.get("warmUpRounds").getAsInt(), "no time for more than the one smaller file");
        CliErrorsTest.assertOneLineError(new Launcher(work).withoutEnv("PARLEY_HOME")
                .run("bench", "file", "--size", "4MB"), "'4MB' is not a size from 1 byte to 1GiB");
    }

    @Test
    void benchCliTimesWholeCommandsAgainstTheJvmFloor() throws Exception {
        Launcher.Result result = new Launcher(work).withoutEnv("PARLEY_HOME")
                .run("bench", "cli", "--runs", "3", "--idle", "1", "--json");
        assertEquals(0, result.exitCode(), result.toString());
        JsonObject figures = JsonParser.parseString(result.stdout()).getAsJsonObject();
        assertEquals(3, figures.get("runs").getAsInt());
        double floor = figures.get("jvmFloorMsP50").getAsDouble();
        assertTrue(floor > 0, result.stdout());
        for (String key : new String[] {"idMsP50", "sendMsP50", "idDefaultJvmMsP50"}) {
            assertTrue(figures.get(key).getAsDouble() > floor, key + " costs more than an empty JVM: " + result.stdout());
        }
        assertEquals(figures.get("idMsP50").getAsDouble() / floor, figures.get("idRatio").getAsDouble(), 1e-9);
        assertEquals(1, figures.get("daemonIdleSeconds").getAsInt());
        double rss = figures.get("daemonIdleRssMiB").getAsDouble();
        assertTrue(rss > 10 && rss < 4096, "a JVM's resident memory, in MiB: " + result.stdout());
        Launcher.Result refused = new Launcher(work).withoutEnv("PARLEY_HOME").run("bench", "cli", "--runs", "2");
        CliErrorsTest.assertOneLineError(refused, "--runs must be 3 to 200");
        CliErrorsTest.assertOneLineError(new Launcher(work).withoutEnv("PARLEY_HOME").run("bench", "cli", "--idle", "-1"),
                "--idle must be 0 to 3600 seconds");
    }

    @Test
    void quickStartArchiveKeepsTheJvmsWarningsOutOfCommandOutput() throws Exception {
        // Any archive counts as settled here, so that the second command maps the one the first made.
        Launcher launcher = new Launcher(work).withoutEnv("PARLEY_HOME").withoutEnv("PARLEY_JAVA_OPTS")
                .withEnv("PARLEY_SETTLED_ARCHIVE_BYTES", "1");
        Path archive = launcher.script().getParent().resolve("tui/target/parley.jsa");
        // The archive this replaces holds what an earlier command loaded, which the rest of the
        // suite's commands start faster with than with the few classes of --version: it goes back.
        Path kept = work.resolve("kept.jsa");
        boolean hadOne = Files.exists(archive);
        if (hadOne) {
            Files.move(archive, kept);
        }
        Launcher.Result making;
        Launcher.Result using;
        try {
            making = launcher.run("--version");
            assertEquals(0, making.exitCode(), making.toString());
            assertTrue(Files.size(archive) > 0, "the first short command after a build writes the archive");
            using = launcher.run("--version");
            assertEquals(0, using.exitCode(), using.toString());
        } finally {
            if (hadOne) {
                Files.move(kept, archive, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        assertEquals(1, making.stdout().strip().lines().count(), making.stdout());
        assertEquals(making.stdout(), using.stdout());
        assertEquals("", making.stderr() + using.stderr(), "no JVM warning reaches the user");
    }
}
