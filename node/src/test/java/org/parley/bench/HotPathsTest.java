package org.parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the {@link HotPaths} microbenchmarks. In the test suite each runs for a moment, to prove
 * that every one works (a benchmark that throws fails here); how fast is not asserted. With
 * {@code -Dparley.jmh=full} they run for real, in a forked JVM, and the figures are printed and
 * written to {@code target/jmh-hot-paths.json} (docs/PERFORMANCE.md).
 */
class HotPathsTest {
    @Test
    void everyHotPathRuns() throws RunnerException {
        boolean full = "full".equals(System.getProperty("parley.jmh"));
        ChainedOptionsBuilder options = new OptionsBuilder().include(HotPaths.class.getName() + "\\.");
        if (full) {
            options.forks(1).warmupIterations(3).warmupTime(TimeValue.seconds(2)).measurementIterations(5)
                    .measurementTime(TimeValue.seconds(2)).resultFormat(ResultFormatType.JSON)
                    .result("target/jmh-hot-paths.json");
        } else {
            options.forks(0).warmupIterations(0).measurementIterations(1)
                    .measurementTime(TimeValue.milliseconds(20)).shouldFailOnError(true);
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        Set<String> measured = new TreeSet<>();
        for (RunResult result : results) {
            String label = result.getParams().getBenchmark();
            measured.add(label.substring(label.lastIndexOf('.') + 1));
            assertTrue(result.getPrimaryResult().getScore() > 0, label);
        }
        assertEquals(benchmarkMethods(), measured);
    }

    /** The envelope paths are the ones the node runs: version 2, sealed and opened. */
    @Test
    void theEnvelopePathsMeasureTheSealedVersion() {
        HotPaths paths = new HotPaths();
        paths.setUp();
        assertEquals(org.parley.messaging.SealedEnvelope.VERSION, paths.envelopeSeal().getVersion());
        assertTrue(paths.envelopeCheckAndOpen().refused().isEmpty(), "the recipient opens it");
    }

    private static Set<String> benchmarkMethods() {
        Set<String> names = new TreeSet<>();
        for (var method : HotPaths.class.getDeclaredMethods()) {
            if (method.isAnnotationPresent(Benchmark.class)) {
                names.add(method.getName());
            }
        }
        return names;
    }
}
