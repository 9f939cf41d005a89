package io.heomdm.decisions.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import io.heomdm.decisions.CatalogEntry;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GuardrailsTest {
    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    /** No rounding and wide limits, so each test turns on the one rule it is about. */
    static final PricingSettings LOOSE = new PricingSettings(5, PricingSettings.Objective.REVENUE, 10.0, Duration.ofHours(1), null, 0.10, 0.10,
            Duration.ofDays(7), 0.0, 1, 1, 3, 1, PricingSettings.Mode.AUTO, java.util.Map.of(), java.util.Map.of(), 10, 1);

    static CatalogEntry product(String floor, String ceiling, String cost, String map) {
        return new CatalogEntry("p1", "Kettle", "kitchen", new BigDecimal("20.00"), new BigDecimal(floor), new BigDecimal(ceiling),
                new BigDecimal(cost), map == null ? null : new BigDecimal(map), 10, false, "EUR", null);
    }

    static Guardrails.Outcome run(PricingSettings s, String proposed, String current, Instant lastChange, CatalogEntry p, String competitor) {
        return Guardrails.apply(s, new Guardrails.Input(new BigDecimal(proposed), new BigDecimal(current), NOW, lastChange, p,
                Optional.ofNullable(competitor).map(BigDecimal::new)));
    }

    static PricingSettings with(double maxChange, BigDecimal ending, double marginFloor) {
        return new PricingSettings(5, LOOSE.objective(), maxChange, LOOSE.minInterval(), ending, 0.10, 0.10, LOOSE.competitorMaxAge(),
                marginFloor, 1, 1, 3, 1, LOOSE.mode(), java.util.Map.of(), java.util.Map.of(), 10, 1);
    }

    @Test
    void aProposalInsideEveryLimitPassesUnboundWithTheWholeTrail() {
        var out = run(LOOSE, "22.00", "20.00", null, product("10", "40", "5", null), null);
        assertThat(out.price()).isEqualByComparingTo("22.00");
        assertThat(out.boundBy()).isNull();
        assertThat(out.trail()).extracting(Guardrails.Step::rule).containsExactly("competitor-band", "max-change", "min-interval", "rounding",
                "ceiling", "floor", "margin-floor");
    }

    @Test
    void theCompetitorBandBinds() {
        var out = run(LOOSE, "30.00", "20.00", null, product("10", "40", "5", null), "25.00");
        assertThat(out.price()).isEqualByComparingTo("27.50");
        assertThat(out.boundBy()).isEqualTo("competitor-band");
    }

    @Test
    void theMaximumChangeBinds() {
        var out = run(with(0.10, null, 0), "30.00", "20.00", null, product("10", "40", "5", null), null);
        assertThat(out.price()).isEqualByComparingTo("22.00");
        assertThat(out.boundBy()).isEqualTo("max-change");
    }

    @Test
    void theMinimumIntervalHoldsTheCurrentPriceAndSaysWhenTheNextChangeMayCome() {
        var out = run(LOOSE, "25.00", "20.00", NOW.minus(Duration.ofMinutes(30)), product("10", "40", "5", null), null);
        assertThat(out.price()).isEqualByComparingTo("20.00");
        assertThat(out.boundBy()).isEqualTo("min-interval");
        assertThat(out.trail().get(2).note()).contains("2026-11-24T12:30:00Z");
        assertThat(run(LOOSE, "25.00", "20.00", NOW.minus(Duration.ofMinutes(61)), product("10", "40", "5", null), null).boundBy()).isNull();
    }

    @Test
    void roundingGoesToTheNearestEndingAndLeavesAHeldPriceAlone() {
        var s = with(10, new BigDecimal("0.99"), 0);
        assertThat(run(s, "25.40", "20.00", null, product("10", "40", "5", null), null).price()).isEqualByComparingTo("24.99");
        var up = run(s, "25.60", "20.00", null, product("10", "40", "5", null), null);
        assertThat(up.price()).isEqualByComparingTo("25.99");
        assertThat(up.boundBy()).isEqualTo("rounding");
        assertThat(run(s, "20.00", "20.00", null, product("10", "40", "5", null), null).boundBy()).isNull();
    }

    @Test
    void theFloorTheMapAndTheMarginFloorEachBind() {
        assertThat(run(LOOSE, "9.00", "10.00", null, product("12", "40", "5", null), null))
                .satisfies(o -> assertThat(o.price()).isEqualByComparingTo("12.00"))
                .satisfies(o -> assertThat(o.boundBy()).isEqualTo("floor"));
        assertThat(run(LOOSE, "13.00", "14.00", null, product("12", "40", "5", "14.50"), null))
                .satisfies(o -> assertThat(o.price()).isEqualByComparingTo("14.50"))
                .satisfies(o -> assertThat(o.boundBy()).isEqualTo("map"));
        assertThat(run(with(10, null, 0.25), "13.00", "14.00", null, product("12", "40", "12", null), null))
                .satisfies(o -> assertThat(o.price()).isEqualByComparingTo("15.00"))
                .satisfies(o -> assertThat(o.boundBy()).isEqualTo("margin-floor"));
    }

    @Test
    void theFloorsWinOverEverythingBeforeThemAndTheTrailShowsEachStep() {
        // the competitor sells at 10: the band lifts 8 to 9, max change allows down to 18, rounding gives 17.99, the margin floor lifts to 18.75
        var s = with(0.10, new BigDecimal("0.99"), 0.25);
        var out = run(s, "8.00", "20.00", null, product("5", "40", "15", null), "10.00");
        assertThat(out.trail()).extracting(st -> st.rule() + " " + st.after())
                .containsExactly("competitor-band 9.00", "max-change 18.00", "min-interval 18.00", "rounding 17.99", "ceiling 17.99",
                        "floor 17.99", "margin-floor 18.75");
        assertThat(out.price()).isEqualByComparingTo("18.75");
        assertThat(out.boundBy()).isEqualTo("margin-floor");
    }

    @Test
    void aCompetitorAboveTheCeilingCannotLiftThePriceOverIt() {
        var out = run(LOOSE, "30.00", "30.00", null, product("10", "32", "5", null), "50.00");
        assertThat(out.price()).isEqualByComparingTo("32.00");
        assertThat(out.boundBy()).isEqualTo("ceiling");
    }
}
