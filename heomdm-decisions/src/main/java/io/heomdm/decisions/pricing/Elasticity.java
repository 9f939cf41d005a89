package io.heomdm.decisions.pricing;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Price elasticity of demand as the slope of ln(units) against ln(price), kept as weighted running
 * sums that every new window discounts by the forgetting factor, so it needs no history and follows
 * a market that drifts. Windows with no units carry no logarithm and are left to the posteriors.
 *
 * @param prices the distinct prices seen, with their discounted weight: a slope from one or two
 *               prices is a line through noise, so none is reported until enough are in (keyed by the
 *               price as plain text, which JSON keeps exactly)
 */
public record Elasticity(double w, double sx, double sy, double sxx, double sxy, double syy, TreeMap<String, Double> prices) {
    private static final int MAX_PRICES = 16;

    public static Elasticity none() {
        return new Elasticity(0, 0, 0, 0, 0, 0, new TreeMap<>());
    }

    public Elasticity observe(BigDecimal price, long units, double forgetting) {
        if (units <= 0 || price.signum() <= 0) {
            return this;
        }
        double x = Math.log(price.doubleValue());
        double y = Math.log(units);
        var seen = new TreeMap<String, Double>();
        prices.forEach((p, weight) -> seen.put(p, weight * forgetting));
        seen.merge(price.stripTrailingZeros().toPlainString(), 1.0, Double::sum);
        while (seen.size() > MAX_PRICES) {
            seen.entrySet().stream().min(java.util.Map.Entry.comparingByValue()).ifPresent(e -> seen.remove(e.getKey()));
        }
        double f = forgetting;
        return new Elasticity(w * f + 1, sx * f + x, sy * f + y, sxx * f + x * x, sxy * f + x * y, syy * f + y * y, seen);
    }

    /** Distinct prices whose weight is still at least a tenth of a window. */
    public int distinctPrices() {
        return (int) prices.values().stream().filter(weight -> weight >= 0.1).count();
    }

    /** The slope and its standard error, once {@code minDistinctPrices} prices and three windows are in. */
    public Optional<Estimate> estimate(int minDistinctPrices) {
        double cxx = sxx - sx * sx / w;
        if (distinctPrices() < minDistinctPrices || w <= 2 || cxx <= 1e-12) {
            return Optional.empty();
        }
        double cxy = sxy - sx * sy / w;
        double cyy = syy - sy * sy / w;
        double slope = cxy / cxx;
        double residual = Math.max(0, cyy - slope * cxy) / (w - 2);
        double intercept = (sy - slope * sx) / w;
        return Optional.of(new Estimate(slope, Math.sqrt(residual / cxx), intercept, w));
    }

    /** ln(units) = intercept + slope · ln(price), from {@code windows} windows' worth of (discounted) evidence. */
    public record Estimate(double slope, double standardError, double intercept, double windows) {
        public double unitsAt(BigDecimal price) {
            return Math.exp(intercept + slope * Math.log(price.doubleValue()));
        }
    }
}
