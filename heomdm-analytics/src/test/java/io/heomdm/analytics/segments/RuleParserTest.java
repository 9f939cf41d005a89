package io.heomdm.analytics.segments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heomdm.events.Violation;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RuleParserTest {

    static List<Violation> violations(String json) {
        try {
            RuleParser.parse(json);
        } catch (RuleParser.InvalidRuleException e) {
            return e.violations();
        }
        throw new AssertionError("accepted: " + json);
    }

    @Test
    void readsEveryKindOfNode() {
        Rule rule = RuleParser.parse("""
                {"and": [{"property": "orderCount", "op": "GTE", "value": 3},
                         {"or": [{"inSegment": "vip"}, {"not": {"pastEvent": {"type": "OrderPlaced", "days": 30, "max": 2}}}]}]}""");

        assertThat(rule).isEqualTo(new Rule.And(List.of(
                new Rule.Compare("orderCount", Rule.Compare.Op.GTE, 3),
                new Rule.Or(List.of(new Rule.InSegment("vip"), new Rule.Not(new Rule.PastEvent("OrderPlaced",
                        new Rule.Window.Relative(Duration.ofDays(30), Duration.ZERO), 1, OptionalLong.of(2), false)))))));
    }

    @Test
    void everyBrokenPlaceIsNamedByItsPathIntoTheTree() {
        var v = violations("""
                {"and": [{"property": "orderCount", "op": "greater", "value": 3},
                         {"pastEvent": {"type": "OrderPlaced", "days": -1}},
                         {"pastEvent": {"type": "", "from": 2, "to": 5}},
                         {"inSegment": 7},
                         {"not": {"property": "country", "op": "gt", "value": "DE"}}]}""");

        assertThat(v).containsExactlyInAnyOrder(
                new Violation("rule.and[0].op", "must be one of eq, ne, gt, gte, lt, lte, in, exists"),
                new Violation("rule.and[1].pastEvent.days", "must be a whole number from 1 to 3653 (ten years)"),
                new Violation("rule.and[2].pastEvent.type", "must be a non-empty string of at most 100 characters"),
                new Violation("rule.and[2].pastEvent.to", "must be fewer days ago than from (2)"),
                new Violation("rule.and[3].inSegment", "must be a non-empty string of at most 100 characters"),
                new Violation("rule.and[4].not.value", "must be a number for gt"));
    }

    @Test
    void aDefinitionIsBoundedSoThatItCannotCostTheService() {
        assertThat(violations("{\"pastEvent\": {\"type\": \"OrderPlaced\", \"days\": 999999999999}}")).as("the look-back that stopped analytics")
                .containsExactly(new Violation("rule.pastEvent.days", "must be a whole number from 1 to 3653 (ten years)"));
        assertThat(violations("{\"pastEvent\": {\"type\": \"OrderPlaced\", \"from\": \"0001-01-01T00:00:00Z\", \"to\": \"2026-01-01T00:00:00Z\"}}"))
                .containsExactly(new Violation("rule.pastEvent.from", "must be between 1970 and 2100"));
        String deep = "{\"not\": ".repeat(RuleParser.MAX_DEPTH) + "{\"inSegment\": \"a\"}" + "}".repeat(RuleParser.MAX_DEPTH);
        assertThat(violations(deep)).extracting(Violation::rule).containsExactly("is nested too deep: a rule may have at most 8 levels");
        String wide = "{\"or\": [" + String.join(",", java.util.Collections.nCopies(RuleParser.MAX_NODES, "{\"inSegment\": \"a\"}")) + "]}";
        assertThat(violations(wide)).containsExactly(new Violation("rule.or[63]", "is one node too many: a rule may have at most 64"));
        String values = "[" + String.join(",", java.util.Collections.nCopies(RuleParser.MAX_VALUES + 1, "1")) + "]";
        assertThat(violations("{\"property\": \"orderCount\", \"op\": \"in\", \"value\": " + values + "}"))
                .containsExactly(new Violation("rule.value", "must hold at most 100 values"));
        assertThat(RuleParser.parse("{\"pastEvent\": {\"type\": \"OrderPlaced\", \"days\": 3653}}")).as("ten years is allowed").isNotNull();
    }

    @Test
    void aNodeNeedsExactlyOneKindAndOnlyItsOwnFields() {
        assertThat(violations("{\"and\": [{\"inSegment\": \"a\"}], \"or\": [{\"inSegment\": \"b\"}]}"))
                .containsExactly(new Violation("rule", "must have only one of and, or"));
        assertThat(violations("{\"all\": []}"))
                .containsExactly(new Violation("rule", "must have one of and, or, not, property, pastEvent, inSegment"));
        assertThat(violations("{\"and\": []}")).containsExactly(new Violation("rule.and", "must be a non-empty array of rules"));
        assertThat(violations("{\"or\": [3]}"))
                .containsExactly(new Violation("rule.or[0]", "must be an object with one of and, or, not, property, pastEvent, inSegment"));
        assertThat(violations("{\"pastEvent\": {\"type\": \"OrderPlaced\", \"days\": 3, \"withinDays\": 3}}"))
                .containsExactly(new Violation("rule.pastEvent.withinDays", "is not a field here; allowed: days, from, max, min, notOccurred, to, type"));
    }

    @Test
    void pastEventWindowsAndCountsMustBeConsistent() {
        assertThat(violations("{\"pastEvent\": {\"type\": \"OrderPlaced\"}}"))
                .containsExactly(new Violation("rule.pastEvent", "must have either days, or from and to"));
        assertThat(violations("{\"pastEvent\": {\"type\": \"OrderPlaced\", \"days\": 3, \"from\": 5, \"to\": 1}}"))
                .containsExactly(new Violation("rule.pastEvent", "must have either days, or from and to"));
        assertThat(violations("{\"pastEvent\": {\"type\": \"OrderPlaced\", \"from\": 5}}"))
                .containsExactly(new Violation("rule.pastEvent", "must have both from and to"));
        assertThat(violations("{\"pastEvent\": {\"type\": \"OrderPlaced\", \"from\": \"2026-11-02T00:00:00Z\", \"to\": \"2026-11-01\"}}"))
                .containsExactly(new Violation("rule.pastEvent.to", "must be an ISO-8601 instant such as 2026-01-31T00:00:00Z"));
        assertThat(violations("{\"pastEvent\": {\"type\": \"OrderPlaced\", \"days\": 3, \"notOccurred\": true, \"min\": 2}}"))
                .containsExactly(new Violation("rule.pastEvent", "notOccurred cannot be combined with min or max"));
        assertThat(violations("{\"pastEvent\": {\"type\": \"OrderPlaced\", \"days\": 3, \"min\": 4, \"max\": 2}}"))
                .containsExactly(new Violation("rule.pastEvent.max", "must be at least min (4)"));
    }

    @Test
    void notJsonIsOneClearError() {
        assertThatThrownBy(() -> RuleParser.parse("{\"and\": ["))
                .isInstanceOf(RuleParser.InvalidRuleException.class)
                .hasMessageStartingWith("invalid rule: rule: must be JSON");
    }
}
