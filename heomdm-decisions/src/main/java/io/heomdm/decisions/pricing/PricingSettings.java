package io.heomdm.decisions.pricing;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

/**
 * The pricing engine's configuration ({@code decisions.pricing} in the YAML).
 *
 * @param levels              price levels on the ladder between floor and ceiling (5–7)
 * @param objective           what the chosen level maximises
 * @param maxChange           the largest move per cycle, as a fraction of the current price
 * @param minInterval         the shortest time between two changes of one product's price
 * @param priceEnding         prices end in this fraction (0.99 → 12.99); null rounds to the cent
 * @param competitorBelow     how far below the lowest competitor price the price may go (fraction)
 * @param competitorAbove     how far above it
 * @param competitorMaxAge    competitor prices older than this are ignored
 * @param marginFloor         the price stays at least cost × (1 + marginFloor)
 * @param posteriorForgetting evidence kept per window (1 = never forget)
 * @param elasticityForgetting the same for the elasticity's running sums
 * @param minDistinctPrices   prices needed before the elasticity is reported and used
 * @param priorShape          the shape of each level's Gamma prior (1: as loose as an exponential); its mean is the
 *                            product's demand at its other levels, or the elasticity curve's value once there is one
 * @param mode                the default mode; {@code categoryModes} and {@code productModes} override it
 * @param decisionsKept       decisions kept per product for {@code GET /v1/products/{id}/price}
 * @param seed                seeds Thompson sampling, with the product and window: a replay decides the same
 */
public record PricingSettings(int levels, Objective objective, double maxChange, Duration minInterval, BigDecimal priceEnding,
        double competitorBelow, double competitorAbove, Duration competitorMaxAge, double marginFloor, double posteriorForgetting,
        double elasticityForgetting, int minDistinctPrices, double priorShape, Mode mode, Map<String, Mode> categoryModes,
        Map<String, Mode> productModes, int decisionsKept, long seed) {

    public enum Objective { REVENUE, MARGIN }

    /** recommend: publish the decision and wait for approval; auto: apply it. */
    public enum Mode { RECOMMEND, AUTO }

    public PricingSettings {
        categoryModes = Map.copyOf(categoryModes);
        productModes = Map.copyOf(productModes);
    }

    public static PricingSettings defaults() {
        return new PricingSettings(5, Objective.REVENUE, 0.10, Duration.ofHours(1), new BigDecimal("0.99"), 0.10, 0.10, Duration.ofDays(7),
                0.05, 0.995, 0.98, 3, 1, Mode.RECOMMEND, Map.of(), Map.of(), 10, 42);
    }

    public Mode modeOf(String productId, String category) {
        return productModes.getOrDefault(productId, categoryModes.getOrDefault(category, mode));
    }
}
