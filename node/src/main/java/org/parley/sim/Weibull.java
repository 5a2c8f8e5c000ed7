package org.parley.sim;

import java.time.Duration;
import java.util.Locale;
import org.parley.runtime.Rng;

/**
 * Session and gap lengths drawn from a Weibull distribution, as measured for peer-to-peer
 * sessions: with a shape below 1 most sessions are short and a few last very long (the tail is
 * heavier than an exponential's). Sampled by inverting the distribution function, so one uniform
 * draw of a seeded {@link Rng} gives one length: the same seed gives the same lengths.
 *
 * @param shape k; below 1 heavy-tailed, 1 exponential
 * @param scale λ; about 63% of the lengths are shorter
 */
public record Weibull(double shape, Duration scale) {
    public Weibull {
        if (!(shape > 0 && shape <= 10) || scale.isNegative() || scale.isZero()) {
            throw new IllegalArgumentException("a Weibull distribution needs a shape in (0, 10] and a positive scale");
        }
    }

    /**
     * Parses {@code SHAPE,SCALE_MINUTES}, like {@code 0.5,60}: shape 0.5, scale one hour.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static Weibull parse(String text) {
        String[] parts = text.split(",", -1);
        if (parts.length == 2) {
            try {
                double shape = Double.parseDouble(parts[0].strip());
                double minutes = Double.parseDouble(parts[1].strip());
                if (minutes > 0 && minutes <= 100_000) {
                    return new Weibull(shape, Duration.ofMillis(Math.round(minutes * 60_000)));
                }
            } catch (NumberFormatException e) {
                // reported below, like any other shape
            }
        }
        throw new IllegalArgumentException("a Weibull distribution is SHAPE,SCALE_MINUTES with both positive, like "
                + "0.5,60, not '" + text + "'");
    }

    /** One length, at least a millisecond. */
    public long sampleMillis(Rng rng) {
        // 1 - U lies in (0, 1]: its logarithm is finite.
        double draw = scale.toMillis() * Math.pow(-Math.log(1 - rng.nextDouble()), 1 / shape);
        return Math.max(1, Math.round(Math.min(draw, Long.MAX_VALUE / 4.0)));
    }

    /** The mean, λ·Γ(1 + 1/k), in milliseconds. */
    public double meanMillis() {
        return scale.toMillis() * Math.exp(logGamma(1 + 1 / shape));
    }

    /** The median, λ·(ln 2)^(1/k), in milliseconds. */
    public double medianMillis() {
        return scale.toMillis() * Math.pow(Math.log(2), 1 / shape);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Weibull(shape %.2f, scale %.1f min)", shape, scale.toMillis() / 60_000.0);
    }

    /** ln Γ(x) for x > 0 by the Lanczos approximation (g = 7, nine terms: about 15 digits). */
    static double logGamma(double x) {
        if (x < 0.5) {
            // Reflection: Γ(x)Γ(1-x) = π / sin(πx).
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        double[] coefficients = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
                -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
                1.5056327351493116e-7};
        double z = x - 1;
        double sum = coefficients[0];
        for (int i = 1; i < coefficients.length; i++) {
            sum += coefficients[i] / (z + i);
        }
        double t = z + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
    }
}
