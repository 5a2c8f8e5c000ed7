package org.parley.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.parley.runtime.SeededRng;

/** The session length sampler: its moments match the distribution's, and a seed gives one sequence. */
class WeibullTest {
    private static final int SAMPLES = 200_000;

    @Test
    void heavyTailedSamplesHaveTheDistributionsMeanMedianAndSpread() {
        // Shape 0.5, scale an hour: mean λΓ(3) = 2 h, median λ(ln 2)² = 28.8 min, variance 20λ².
        Weibull weibull = new Weibull(0.5, Duration.ofHours(1));
        assertEquals(7_200_000, weibull.meanMillis(), 1e-3);
        assertEquals(3_600_000 * Math.log(2) * Math.log(2), weibull.medianMillis(), 1e-6);
        Moments moments = Moments.of(weibull, 7);
        assertEquals(2.0, moments.mean() / 3_600_000, 0.05, "mean in hours");
        assertEquals(0.5, moments.belowMedian(), 0.005);
        assertEquals(20.0, moments.variance() / Math.pow(3_600_000, 2), 3.0, "variance in hours squared");
        // Heavy tail: the longest sessions are far longer than the mean, most are shorter.
        assertTrue(moments.belowMean() > 0.7, "most sessions are shorter than the mean: " + moments.belowMean());
    }

    @Test
    void shapeOneIsTheExponential() {
        Weibull weibull = new Weibull(1, Duration.ofMinutes(30));
        Moments moments = Moments.of(weibull, 8);
        assertEquals(30, moments.mean() / 60_000, 0.5);
        assertEquals(900, moments.variance() / Math.pow(60_000, 2), 30, "variance of the exponential: λ²");
        assertEquals(1 - Math.exp(-1), moments.belowMean(), 0.005);
    }

    @Test
    void aShapeAboveOneConcentratesAroundTheScale() {
        // Shape 3: mean λΓ(4/3) = 0.89298λ, variance λ²(Γ(5/3) - Γ(4/3)²) = 0.10533λ².
        Weibull weibull = new Weibull(3, Duration.ofMinutes(100));
        assertEquals(89.298, weibull.meanMillis() / 60_000, 1e-3);
        Moments moments = Moments.of(weibull, 9);
        assertEquals(89.298, moments.mean() / 60_000, 0.3);
        assertEquals(0.10533 * 100 * 100, moments.variance() / Math.pow(60_000, 2), 20);
    }

    @Test
    void oneSeedOneSequenceAnotherSeedAnother() {
        Weibull weibull = new Weibull(0.6, Duration.ofMinutes(45));
        SeededRng first = new SeededRng(42);
        SeededRng second = new SeededRng(42);
        SeededRng other = new SeededRng(43);
        long[] a = new long[100];
        long[] b = new long[100];
        long[] c = new long[100];
        for (int i = 0; i < a.length; i++) {
            a[i] = weibull.sampleMillis(first);
            b[i] = weibull.sampleMillis(second);
            c[i] = weibull.sampleMillis(other);
        }
        assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b));
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c));
    }

    @Test
    void everySampleIsAtLeastAMillisecond() {
        Weibull weibull = new Weibull(0.2, Duration.ofSeconds(1));
        SeededRng rng = new SeededRng(5);
        for (int i = 0; i < 10_000; i++) {
            assertTrue(weibull.sampleMillis(rng) >= 1);
        }
    }

    @Test
    void theGammaFunctionBehindTheMeanIsRight() {
        assertEquals(Math.log(24), Weibull.logGamma(5), 1e-12);
        assertEquals(Math.log(Math.sqrt(Math.PI)), Weibull.logGamma(0.5), 1e-12);
        assertEquals(0, Weibull.logGamma(1), 1e-12);
        assertEquals(Math.log(362_880), Weibull.logGamma(10), 1e-10);
    }

    @Test
    void parsesShapeAndScaleInMinutesAndRefusesTheRest() {
        assertEquals(new Weibull(0.5, Duration.ofHours(1)), Weibull.parse("0.5,60"));
        assertEquals(new Weibull(1.5, Duration.ofSeconds(90)), Weibull.parse(" 1.5 , 1.5 "));
        for (String wrong : new String[] {"", "0.5", "0.5,60,1", "a,60", "0.5,b", "0,60", "-1,60", "0.5,0",
            "0.5,-3", "NaN,60", "0.5,NaN", "11,60", "0.5,1e9"}) {
            assertThrows(IllegalArgumentException.class, () -> Weibull.parse(wrong), wrong);
        }
    }

    private record Moments(double mean, double variance, double belowMedian, double belowMean) {
        static Moments of(Weibull weibull, long seed) {
            SeededRng rng = new SeededRng(seed);
            long[] samples = new long[SAMPLES];
            double sum = 0;
            for (int i = 0; i < SAMPLES; i++) {
                samples[i] = weibull.sampleMillis(rng);
                sum += samples[i];
            }
            double mean = sum / SAMPLES;
            double squares = 0;
            int belowMedian = 0;
            int belowMean = 0;
            for (long sample : samples) {
                squares += (sample - mean) * (sample - mean);
                belowMedian += sample < weibull.medianMillis() ? 1 : 0;
                belowMean += sample < weibull.meanMillis() ? 1 : 0;
            }
            return new Moments(mean, squares / (SAMPLES - 1), (double) belowMedian / SAMPLES,
                    (double) belowMean / SAMPLES);
        }
    }
}
