package org.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
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
                "latencyMsP99", "wallSeconds"}) {
            assertTrue(figures.get(key).getAsDouble() > 0, key + " in " + result.stdout());
        }
        List<Double> rounds = new ArrayList<>();
        figures.getAsJsonArray("roundRatios").forEach(ratio -> rounds.add(ratio.getAsDouble()));
        assertEquals(3, rounds.size(), result.stdout());
        Collections.sort(rounds);
        assertEquals(rounds.get(1), figures.get("ratio").getAsDouble(), 1e-9, "the median round");
        assertTrue(figures.get("latencyMsP50").getAsDouble() <= figures.get("latencyMsP99").getAsDouble());
        assertEquals(1, figures.get("warmUpRounds").getAsInt(), "no time for more than the one round");
    }

    @Test
    void benchGroupReportsEveryFigure() throws Exception {
        Launcher.Result result = new Launcher(work).withoutEnv("PARLEY_HOME")
                .run("bench", "group", "--members", "3", "--messages", "20", "--json");
        assertEquals(0, result.exitCode(), result.toString());
        JsonObject figures = JsonParser.parseString(result.stdout()).getAsJsonObject();
        assertEquals(3, figures.get("members").getAsInt());
        assertEquals(20, figures.get("messages").getAsInt());
        for (String key : new String[] {"messagesPerSecond", "lastMemberMsP50", "lastMemberMsP99", "setupSeconds",
                "wallSeconds"}) {
            assertTrue(figures.get(key).getAsDouble() > 0, key + " in " + result.stdout());
        }
        assertTrue(figures.get("lastMemberMsP50").getAsDouble() <= figures.get("lastMemberMsP99").getAsDouble());
        Launcher.Result refused = new Launcher(work).withoutEnv("PARLEY_HOME")
                .run("bench", "group", "--members", "1");
        CliErrorsTest.assertOneLineError(refused, "--members must be 2 to 256");
    }
}
