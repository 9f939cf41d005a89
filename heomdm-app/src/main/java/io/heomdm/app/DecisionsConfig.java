package io.heomdm.app;

import io.heomdm.decisions.pricing.PriceTest;
import io.heomdm.decisions.pricing.PricingSettings;
import io.heomdm.decisions.pricing.PricingSettings.Mode;
import io.heomdm.decisions.pricing.PricingSettings.Objective;
import io.heomdm.decisions.recommendations.RecommendationSettings;
import io.heomdm.decisions.recommendations.RecommendationSettings.Score;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The decision services (Kafka Streams): pricing and recommendations. */
public record DecisionsConfig(boolean enabled, @Between(min = 1, max = 64) int threads, @NotNull(message = HeomdmConfig.SET) @Valid Pricing pricing,
        @NotNull(message = HeomdmConfig.SET) @Valid Recommendations recommendations) {

    /**
     * @param priceEnding prices end in this fraction, e.g. 0.99; null rounds to the cent
     * @param mode        recommend or auto; categoryModes and productModes override it
     */
    public record Pricing(@Between(min = 5, max = 7) int levels, @NotNull(message = HeomdmConfig.SET) Objective objective,
            @Between(min = 0.1, max = 100) double maxChangePercent, @Between(min = 0, max = 10_080) int minIntervalMinutes, BigDecimal priceEnding,
            @Between(min = 0, max = 100) double competitorBelowPercent, @Between(min = 0, max = 1000) double competitorAbovePercent,
            @Between(min = 1, max = 24 * 365) int competitorMaxAgeHours, @Between(min = 0, max = 1000) double marginFloorPercent,
            @Between(min = 0.5, max = 1) double forgetting, @Between(min = 0.5, max = 1) double elasticityForgetting,
            @Between(min = 2, max = 16) int minDistinctPrices, @Between(min = 0.01, max = 100) double priorShape,
            @NotNull(message = HeomdmConfig.SET) Mode mode, @NotNull(message = HeomdmConfig.SET) Map<String, Mode> categoryModes,
            @NotNull(message = HeomdmConfig.SET) Map<String, Mode> productModes,
            @Between(min = 1, max = 100) int decisionsKept, long seed, @NotNull(message = HeomdmConfig.SET) Map<String, @Valid PriceTestConfig> tests) {

        /** A price test: its prices (the arms) and the instant from which new customers are split between them. */
        public record PriceTestConfig(@NotBlank(message = "must name the product under test") String productId, List<BigDecimal> prices,
                String startsAt) {
        }

        public List<PriceTest> priceTests() {
            return tests.entrySet().stream()
                    .map(t -> new PriceTest(t.getKey(), t.getValue().productId(), t.getValue().prices(), Instant.parse(t.getValue().startsAt())))
                    .toList();
        }

        public PricingSettings settings() {
            return new PricingSettings(levels, objective, maxChangePercent / 100, Duration.ofMinutes(minIntervalMinutes), priceEnding,
                    competitorBelowPercent / 100, competitorAbovePercent / 100, Duration.ofHours(competitorMaxAgeHours), marginFloorPercent / 100,
                    forgetting, elasticityForgetting, minDistinctPrices, priorShape, mode, categoryModes, productModes, decisionsKept, seed);
        }
    }

    public record Recommendations(@Between(min = 2, max = 100) int maxBasketItems, @Between(min = 1, max = 10_000) int maxNeighbours,
            @Between(min = 1, max = 10_000) int topN, @Between(min = 1, max = 3650) int affinityHalfLifeDays,
            @Between(min = 1, max = 24 * 365) int trendHalfLifeHours, @Between(min = 0, max = 1000) double viewWeight,
            @Between(min = 0, max = 1000) double cartWeight, @Between(min = 0, max = 1000) double orderWeight,
            @NotNull(message = HeomdmConfig.SET) Score score, @Between(min = 0, max = 0.5) double explorationShare,
            @Between(min = 1, max = 10_000) int affinityItems, @Between(min = 0, max = 100_000) int boughtKept) {

        public RecommendationSettings settings() {
            return new RecommendationSettings(maxBasketItems, maxNeighbours, topN, Duration.ofDays(affinityHalfLifeDays),
                    Duration.ofHours(trendHalfLifeHours), viewWeight, cartWeight, orderWeight, score, explorationShare, affinityItems, boughtKept);
        }
    }

    /** The rules that tie settings together or look inside a value; each one's own range is a constraint above. */
    void check(List<String> p) {
        var pr = pricing;
        if (pr.priceEnding() != null && (pr.priceEnding().signum() < 0 || pr.priceEnding().compareTo(BigDecimal.ONE) >= 0
                || pr.priceEnding().scale() > 2)) {
            p.add("decisions.pricing.priceEnding: must be a fraction of a unit in cents, 0.00 to 0.99 (e.g. 0.99), or null for the cent");
        }
        pr.tests().forEach((id, t) -> {
            String at = "decisions.pricing.tests." + id;
            if (t.prices() == null || t.prices().size() < 2 || t.prices().size() > 4
                    || t.prices().stream().anyMatch(price -> price == null || price.signum() <= 0)) {
                p.add(at + ".prices: must be 2 to 4 positive prices, one per arm");
            }
            try {
                Instant.parse(String.valueOf(t.startsAt()));
            } catch (java.time.format.DateTimeParseException e) {
                p.add(at + ".startsAt: must be an instant such as 2026-12-01T00:00:00Z (customers first seen from then on take part)");
            }
        });
        if (recommendations.topN() > recommendations.maxNeighbours()) {
            p.add("decisions.recommendations.topN: must be at most decisions.recommendations.maxNeighbours, was " + recommendations.topN());
        }
    }
}
