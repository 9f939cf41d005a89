package io.heomdm.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heomdm.analytics.CustomerView;
import io.heomdm.analytics.DemandView;
import io.heomdm.analytics.MemberPage;
import io.heomdm.analytics.profiles.CustomerProfile;
import io.heomdm.analytics.scores.CustomerScores;
import io.heomdm.decisions.Decisions;
import io.heomdm.decisions.pricing.Guardrails;
import io.heomdm.decisions.pricing.PriceDecision;
import io.heomdm.decisions.pricing.PriceTestResult;
import io.heomdm.decisions.pricing.PricingSettings;
import io.heomdm.decisions.recommendations.Recommender;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The API's response records say everything the services' read models say, in the same JSON: every field set, both written, compared. */
class ResponsesTest {
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    private static final Instant T = Instant.parse("2026-12-06T08:00:00Z");

    @Test
    void aCustomer() {
        var view = new CustomerView("ann", T, T.plusSeconds(60), Optional.of(T), Optional.of(T.plusSeconds(30)), 3, new BigDecimal("42.50"),
                Optional.of(new BigDecimal("14.17")), Optional.of("shoes"), Optional.of("Europe/London"),
                Optional.of(new CustomerProfile.Consent(true, false, true)), Map.of("OrderPlaced", 3L), Optional.of(new CustomerScores(5, 4, 3,
                "Champions", 12)), List.of("VIP"));
        assertSameJson(view, Responses.customer(view));
        var unknown = new CustomerView("bob", T, T, Optional.empty(), Optional.empty(), 0, BigDecimal.ZERO, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Map.of(), Optional.empty(), List.of());
        assertSameJson(unknown, Responses.customer(unknown));
    }

    @Test
    void segmentMembersAndDemand() {
        var page = new MemberPage("VIP", List.of("ann", "bob"), Optional.of("bob"));
        assertSameJson(page, Responses.members(page));
        var demand = new DemandView("p1", List.of(new DemandView.Window(T, T.plusSeconds(3600), 10, 4, 2, 3, new BigDecimal("29.97"))),
                Optional.of(new DemandView.Forecast(T, 2.5, true)));
        assertSameJson(demand, Responses.demand(demand));
    }

    @Test
    void aPriceWithItsDecisionsTrailAndTestArm() {
        var decision = new PriceDecision("d1", T, new BigDecimal("10.00"), new BigDecimal("12.00"), new BigDecimal("11.00"), "max-step",
                List.of(new Guardrails.Step("max-step", new BigDecimal("12.00"), new BigDecimal("11.00"), "at most 10 % a cycle")),
                PricingSettings.Mode.RECOMMEND, false, "cycle", 4.2, -1.3, 0.2);
        var price = new Decisions.PriceView("p1", new BigDecimal("10.00"), "EUR", T, T, "recommend", decision, List.of(decision),
                new Decisions.PriceView.ElasticityView(-1.3, 0.2, 12, 3), List.of(new Decisions.PriceView.Level(new BigDecimal("10.00"), 4.0, 6)), 7,
                new Decisions.PriceView.Arm("ann", "t1", 1, new BigDecimal("9.50")));
        assertSameJson(price, Responses.price(price));
        var bare = new Decisions.PriceView("p2", BigDecimal.ONE, "EUR", T, T, "auto", null, List.of(), null, List.of(), 0, null);
        assertSameJson(bare, Responses.price(bare));
        // a decision stored by an earlier release, without the fields added since: shown with them empty, not a 500
        var older = new PriceDecision("d0", T, BigDecimal.ONE, BigDecimal.TEN, BigDecimal.TEN, null, null, null, true, "cycle", null, null, null);
        var withOlder = new Decisions.PriceView("p3", BigDecimal.TEN, "EUR", T, T, "auto", null, List.of(older), null, List.of(), 1, null);
        assertSameJson(withOlder, Responses.price(withOlder));
    }

    @Test
    void aPriceTestAndRecommendations() {
        var test = new PriceTestResult("t1", "p1", T, "leading", 1, List.of(new PriceTestResult.Arm(0, BigDecimal.TEN, 50, 5, 6, new BigDecimal("60"),
                new BigDecimal("20"), new BigDecimal("0.4000")), new PriceTestResult.Arm(1, new BigDecimal("9.50"), 50, 7, 8, new BigDecimal("76"),
                new BigDecimal("24"), null)));
        assertSameJson(test, Responses.priceTest(test));
        var recommendation = new Recommender.Recommendation("p2", 0.75, "bought-together");
        assertSameJson(recommendation, Responses.recommendation(recommendation));
        var related = new Recommender.Related("p3", 12, 0.5);
        assertSameJson(related, Responses.related(related));
    }

    private static void assertSameJson(Object model, Object response) {
        JsonNode expected = JSON.valueToTree(model);
        assertThat(expected.size()).as("the model has fields to compare").isGreaterThan(1);
        assertThat(JSON.<JsonNode>valueToTree(response)).isEqualTo(expected);
    }
}
