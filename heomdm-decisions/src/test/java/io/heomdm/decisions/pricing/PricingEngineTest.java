package io.heomdm.decisions.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import io.heomdm.decisions.CatalogEntry;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PricingEngineTest {
    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    static final Duration HOUR = Duration.ofHours(1);

    /** Learning alone: guardrails wide open, no rounding, no interval, and no forgetting, since the simulated market stands still. */
    static PricingSettings learning(PricingSettings.Mode mode) {
        return new PricingSettings(5, PricingSettings.Objective.REVENUE, 100.0, Duration.ZERO, null, 0.1, 0.1, Duration.ofDays(7), 0,
                1, 0.98, 3, 1, mode, Map.of(), Map.of(), 10, 7);
    }

    static CatalogEntry product(String floor, String ceiling, String price) {
        return new CatalogEntry("p1", "Kettle", "kitchen", new BigDecimal(price), new BigDecimal(floor), new BigDecimal(ceiling),
                new BigDecimal("1.00"), null, 100, false, "EUR", null);
    }

    static long poisson(double mean, SplittableRandom random) {
        // Knuth's method in chunks, exact enough for means up to a few hundred
        long n = 0;
        double remaining = mean;
        while (remaining > 0) {
            double step = Math.min(remaining, 30);
            remaining -= step;
            double limit = Math.exp(-step);
            double product = random.nextDouble();
            while (product > limit) {
                n++;
                product *= random.nextDouble();
            }
        }
        return n;
    }

    @Test
    void theLadderSpansFloorToCeiling() {
        assertThat(PricingEngine.ladder(new BigDecimal("5"), new BigDecimal("17"), 5)).extracting(BigDecimal::toPlainString)
                .containsExactly("5.00", "8.00", "11.00", "14.00", "17.00");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void thompsonSamplingSettlesOnTheRevenueMaximisingLevel(long seed) {
        // demand 120 - 7p units per window: revenue 425, 512, 473, 308, 17 at 5, 8, 11, 14, 17 — the optimum is 8
        DoubleUnaryOperator demand = p -> Math.max(0, 120 - 7 * p);
        var engine = new PricingEngine(learning(PricingSettings.Mode.AUTO));
        var item = product("5", "17", "11");
        var state = engine.start(item, T0);
        var market = new SplittableRandom(seed);
        var choices = new SplittableRandom(seed * 31);
        int late = 0;
        int optimal = 0;
        for (int w = 0; w < 400; w++) {
            Instant start = T0.plus(HOUR.multipliedBy(w));
            long units = poisson(demand.applyAsDouble(state.currentPrice().doubleValue()), market);
            state = engine.cycle(state, item, start, units, start.plus(HOUR), "d" + w, choices).state();
            if (w >= 300) {
                late++;
                if (state.currentPrice().compareTo(new BigDecimal("8.00")) == 0) {
                    optimal++;
                }
            }
        }
        assertThat((double) optimal / late).as("share of late cycles at the optimum").isGreaterThanOrEqualTo(0.90);
    }

    @Test
    void theMarginObjectivePicksAHigherPriceWhenCostsAreHigh() {
        // same demand, cost 6: margins 0*..., 2*64=128, 5*43=215, 8*22=176, 11*1=11 — the optimum moves to 11
        var settings = new PricingSettings(5, PricingSettings.Objective.MARGIN, 100.0, Duration.ZERO, null, 0.1, 0.1, Duration.ofDays(7), 0,
                1, 0.98, 3, 1, PricingSettings.Mode.AUTO, Map.of(), Map.of(), 10, 7);
        var engine = new PricingEngine(settings);
        var item = new CatalogEntry("p1", "Kettle", "kitchen", new BigDecimal("8"), new BigDecimal("5"), new BigDecimal("17"),
                new BigDecimal("6.00"), null, 100, false, "EUR", null);
        var state = engine.start(item, T0);
        var market = new SplittableRandom(3);
        var choices = new SplittableRandom(4);
        int optimal = 0;
        for (int w = 0; w < 400; w++) {
            Instant start = T0.plus(HOUR.multipliedBy(w));
            long units = poisson(Math.max(0, 120 - 7 * state.currentPrice().doubleValue()), market);
            state = engine.cycle(state, item, start, units, start.plus(HOUR), "d" + w, choices).state();
            if (w >= 300 && state.currentPrice().compareTo(new BigDecimal("11.00")) == 0) {
                optimal++;
            }
        }
        assertThat(optimal).isGreaterThanOrEqualTo(90);
    }

    @Test
    void elasticityRecoversAKnownSlope() {
        var exact = Elasticity.none();
        var noisy = Elasticity.none();
        var random = new SplittableRandom(5);
        String[] prices = {"8", "10", "12", "14", "16"};
        for (int i = 0; i < 300; i++) {
            var price = new BigDecimal(prices[random.nextInt(prices.length)]);
            double mean = 5_000 * Math.pow(price.doubleValue(), -1.8);
            exact = exact.observe(price, Math.round(mean * 1_000), 0.98);
            noisy = noisy.observe(price, poisson(mean, random), 0.98);
        }
        var e = exact.estimate(3).orElseThrow();
        assertThat(e.slope()).isCloseTo(-1.8, org.assertj.core.data.Offset.offset(1e-3));
        var n = noisy.estimate(3).orElseThrow();
        assertThat(n.standardError()).isBetween(0.01, 0.5);
        // two standard errors: a seeded run, and a 95 % interval is what the figure claims
        assertThat(Math.abs(n.slope() + 1.8)).isLessThanOrEqualTo(2 * n.standardError());
    }

    @Test
    void noElasticityIsReportedFromTooFewDistinctPrices() {
        var e = Elasticity.none();
        for (int i = 0; i < 50; i++) {
            e = e.observe(new BigDecimal(i % 2 == 0 ? "10" : "12"), 20 + i % 3, 0.98);
        }
        assertThat(e.estimate(3)).isEmpty();
        assertThat(e.observe(new BigDecimal("14"), 15, 0.98).estimate(3)).isPresent();
    }

    @Test
    void aWindowThatSawTwoPricesTeachesNothing() {
        var engine = new PricingEngine(learning(PricingSettings.Mode.AUTO));
        var item = product("5", "17", "11");
        var state = engine.start(item, T0.plus(Duration.ofMinutes(30)));
        var after = engine.cycle(state, item, T0, 50, T0.plus(HOUR), "d", new SplittableRandom(1)).state();
        assertThat(after.evidence()).allSatisfy(e -> assertThat(e).isEqualTo(LevelEvidence.NONE));
        var next = engine.cycle(after, item, T0.plus(HOUR), 50, T0.plus(HOUR.multipliedBy(2)), "e", new SplittableRandom(1)).state();
        assertThat(next.evidence().stream().filter(e -> e.units() == 50 && e.windows() == 1)).hasSize(1);
    }

    @Test
    void recommendModePublishesWithoutApplyingUntilApproved() {
        var engine = new PricingEngine(learning(PricingSettings.Mode.RECOMMEND));
        var item = product("5", "17", "11");
        var state = engine.start(item, T0);
        PricingEngine.Cycle cycle;
        int w = 0;
        do {
            Instant start = T0.plus(HOUR.multipliedBy(w++));
            cycle = engine.cycle(state, item, start, 30, start.plus(HOUR), "d" + w, new SplittableRandom(w));
            state = cycle.state();
        } while (cycle.published().isEmpty());
        var decision = cycle.published().orElseThrow();
        assertThat(decision.applied()).isFalse();
        assertThat(state.currentPrice()).isEqualByComparingTo("11.00");
        assertThat(state.pending()).isEqualTo(decision);
        assertThat(engine.approve(state, "another", T0)).isEmpty();
        var approved = engine.approve(state, decision.decisionId(), T0.plus(Duration.ofDays(1))).orElseThrow();
        assertThat(approved.state().currentPrice()).isEqualByComparingTo(decision.finalPrice());
        assertThat(approved.state().pending()).isNull();
        assertThat(approved.published().orElseThrow()).satisfies(d -> {
            assertThat(d.applied()).isTrue();
            assertThat(d.reason()).isEqualTo("approval");
            assertThat(d.decisionId()).isEqualTo(decision.decisionId());
        });
        assertThat(engine.approve(approved.state(), null, T0)).as("nothing left to approve").isEmpty();
    }

    @Test
    void aNewListPriceInTheCatalogueOverridesAndANewFloorRebuildsTheLadder() {
        var engine = new PricingEngine(learning(PricingSettings.Mode.AUTO));
        var state = engine.start(product("5", "17", "11"), T0);
        var overridden = engine.catalogued(state, product("5", "17", "12"), T0.plus(HOUR));
        assertThat(overridden.currentPrice()).isEqualByComparingTo("12");
        assertThat(overridden.priceSince()).isEqualTo(T0.plus(HOUR));
        var moved = engine.catalogued(overridden, product("6", "18", "12"), T0.plus(HOUR));
        assertThat(moved.ladder().get(0)).isEqualByComparingTo("6");
        assertThat(moved.ladder().get(4)).isEqualByComparingTo("18");
    }
}
