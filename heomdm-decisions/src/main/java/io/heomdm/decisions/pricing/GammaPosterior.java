package io.heomdm.decisions.pricing;

import java.util.random.RandomGenerator;

/** A Gamma distribution over a Poisson demand rate (units per pricing window), and draws from it. */
public record GammaPosterior(double shape, double rate) {
    public GammaPosterior {
        if (!(shape > 0) || !(rate > 0)) {
            throw new IllegalArgumentException("a Gamma posterior needs shape > 0 and rate > 0, got " + shape + ", " + rate);
        }
    }

    /** Expected units per window. */
    public double mean() {
        return shape / rate;
    }

    /** One draw of the demand rate (Marsaglia and Tsang's method; shapes below 1 boosted by U^(1/shape)). */
    public double sample(RandomGenerator random) {
        return gamma(shape, random) / rate;
    }

    static double gamma(double shape, RandomGenerator random) {
        if (shape < 1) {
            return gamma(shape + 1, random) * Math.pow(random.nextDouble(), 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = random.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = random.nextDouble();
            if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
                return d * v;
            }
        }
    }
}
