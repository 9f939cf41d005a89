package io.heomdm.decisions.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import io.heomdm.eventlog.streams.TopologyTests;
import io.heomdm.decisions.DecisionsTopology;
import io.heomdm.decisions.TopologyFixture;
import io.heomdm.decisions.recommendations.RecommendationSettings;
import io.heomdm.events.schema.CompetitorPriceObserved;
import io.heomdm.events.schema.DemandObserved;
import io.heomdm.events.schema.PriceApproved;
import io.heomdm.events.schema.PriceChanged;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PricingTopologyTest {
    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    static final Duration HOUR = Duration.ofHours(1);

    @TempDir
    Path stateDir;
    TopologyFixture fx;

    static PricingSettings settings(PricingSettings.Mode mode) {
        return new PricingSettings(5, PricingSettings.Objective.REVENUE, 1.0, Duration.ZERO, null, 0.10, 0.10, Duration.ofDays(7), 0,
                0.995, 0.98, 3, 1, mode, Map.of(), Map.of(), 10, 7);
    }

    void start(PricingSettings settings) {
        fx = new TopologyFixture(stateDir, settings, RecommendationSettings.defaults());
        fx.product("P", "kitchen", "20", "10", "30", "5", 100, false, T0);
    }

    @AfterEach
    void close() {
        fx.close();
    }

    void window(Instant start, Duration size, long units) {
        TopologyTests.send(fx.demand, "P", DemandObserved.newBuilder().setProductId("P").setWindowStart(start).setWindowEnd(start.plus(size))
                .setViews(units * 10).setCartAdds(units).setOrders(units).setUnits(units).setRevenue(BigDecimal.ZERO).setForecastUnits(units)
                .setSeasonal(false).build(), start.plus(size));
    }

    ProductPricing state() {
        return fx.<ProductPricing>store(DecisionsTopology.PRICING_STORE).get("P");
    }

    @Test
    void alignedWindowsRunCyclesAndChangesArePublishedWithTheirTrail() {
        start(settings(PricingSettings.Mode.AUTO));
        window(T0.plus(Duration.ofMinutes(5)), HOUR, 40);      // a hopping window between two aligned ones: overlaps them, ignored
        assertThat(state()).isNull();
        for (int w = 0; w < 20; w++) {
            window(T0.plus(HOUR.multipliedBy(w)), HOUR, 40);
        }
        assertThat(state().cycles()).isEqualTo(20);
        var changes = TopologyTests.read(fx.prices, PriceChanged.class);
        assertThat(changes).isNotEmpty().allSatisfy(e -> {
            PriceChanged c = e.getValue();
            assertThat(c.getApplied()).isTrue();
            assertThat(c.getMode()).isEqualTo("auto");
            assertThat(c.getFinalPrice()).isBetween(new BigDecimal("10.00"), new BigDecimal("30.00"));
            assertThat(c.getFinalPrice()).isNotEqualByComparingTo(c.getPreviousPrice());
            assertThat(c.getTrail()).extracting(s -> s.getRule()).containsExactly("competitor-band", "max-change", "min-interval", "rounding",
                    "ceiling", "floor", "margin-floor");
            assertThat(e.getKey().causationId()).isNotNull();
        });
        var last = changes.get(changes.size() - 1).getValue();
        assertThat(state().currentPrice()).isEqualByComparingTo(last.getFinalPrice());
    }

    @Test
    void aReplayedWindowDecidesTheSame() {
        start(settings(PricingSettings.Mode.AUTO));
        window(T0, HOUR, 40);
        window(T0.plus(HOUR), HOUR, 35);
        var first = TopologyTests.read(fx.prices, PriceChanged.class);
        fx.close();
        // a second, empty engine fed the same windows: the seed comes from the product and the window
        fx = new TopologyFixture(stateDir.resolve("again"), settings(PricingSettings.Mode.AUTO), RecommendationSettings.defaults());
        fx.product("P", "kitchen", "20", "10", "30", "5", 100, false, T0);
        window(T0, HOUR, 40);
        window(T0.plus(HOUR), HOUR, 35);
        var second = TopologyTests.read(fx.prices, PriceChanged.class);
        assertThat(second).extracting(e -> e.getKey().eventId() + " " + e.getValue().getFinalPrice())
                .isEqualTo(first.stream().map(e -> e.getKey().eventId() + " " + e.getValue().getFinalPrice()).toList());
    }

    @Test
    void aCompetitorPriceKeepsEveryDecisionInsideItsBand() {
        start(settings(PricingSettings.Mode.AUTO));
        TopologyTests.send(fx.competitors, "P", new CompetitorPriceObserved("P", "rival", new BigDecimal("20.00"), "EUR"), T0);
        for (int w = 0; w < 15; w++) {
            window(T0.plus(HOUR.multipliedBy(w)), HOUR, 40);
        }
        var changes = TopologyTests.read(fx.prices, PriceChanged.class);
        assertThat(changes).allSatisfy(e -> assertThat(e.getValue().getFinalPrice()).isBetween(new BigDecimal("18.00"), new BigDecimal("22.00")));
        assertThat(state().decisions()).anySatisfy(d -> assertThat(d.boundBy()).isEqualTo("competitor-band"));
    }

    @Test
    void aRecommendationWaitsForItsApproval() {
        start(settings(PricingSettings.Mode.RECOMMEND));
        int w = 0;
        List<java.util.Map.Entry<io.heomdm.events.Envelope, PriceChanged>> changes;
        do {
            window(T0.plus(HOUR.multipliedBy(w++)), HOUR, 40);
            changes = TopologyTests.read(fx.prices, PriceChanged.class);
        } while (changes.isEmpty());
        PriceChanged recommended = changes.get(0).getValue();
        assertThat(recommended.getApplied()).isFalse();
        assertThat(state().currentPrice()).isEqualByComparingTo("20");
        TopologyTests.send(fx.approvals, "P", new PriceApproved("P", recommended.getDecisionId(), "maria"), T0.plus(HOUR.multipliedBy(w)));
        PriceChanged applied = TopologyTests.read(fx.prices, PriceChanged.class).get(0).getValue();
        assertThat(applied.getApplied()).isTrue();
        assertThat(applied.getReason()).isEqualTo("approval");
        assertThat(applied.getDecisionId()).isEqualTo(recommended.getDecisionId());
        assertThat(state().currentPrice()).isEqualByComparingTo(recommended.getFinalPrice());
        // approving it again changes nothing
        TopologyTests.send(fx.approvals, "P", new PriceApproved("P", recommended.getDecisionId(), "maria"), T0.plus(HOUR.multipliedBy(w)));
        assertThat(fx.prices.isEmpty()).isTrue();
    }
}
