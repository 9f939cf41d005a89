package io.heomdm.analytics.segments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heomdm.events.Violation;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SegmentCatalogTest {

    @Test
    void aSegmentThatReadsAnotherSeesItsMembershipFromTheSameEvaluation() {
        // "zz-big-spender" sorts after "loyal-big-spender" that reads it: only dependency order makes this work
        var catalog = SegmentCatalog.of(Map.of(
                "loyal-big-spender", RuleParser.parse("{\"and\": [{\"inSegment\": \"zz-big-spender\"}, {\"property\": \"orderCount\", \"op\": \"gte\", \"value\": 5}]}"),
                "zz-big-spender", RuleParser.parse("{\"property\": \"revenue\", \"op\": \"gte\", \"value\": 1000}"),
                "newcomer", RuleParser.parse("{\"property\": \"orderCount\", \"op\": \"lt\", \"value\": 2}")));
        var customer = new RuleTest.Customer().with("revenue", 1500).with("orderCount", 6);

        assertThat(catalog.evaluate(customer, RuleTest.NOW)).containsExactlyInAnyOrder("zz-big-spender", "loyal-big-spender");
        assertThat(catalog.names()).containsSubsequence("zz-big-spender", "loyal-big-spender");
    }

    @Test
    void anUnknownSegmentOrACycleIsRefusedWithTheSegmentNamed() {
        assertThatThrownBy(() -> SegmentCatalog.of(Map.of("a", RuleParser.parse("{\"inSegment\": \"nowhere\"}"))))
                .isInstanceOfSatisfying(RuleParser.InvalidRuleException.class, e -> assertThat(e.violations())
                        .containsExactly(new Violation("segments.a", "inSegment names nowhere, which is not a segment")));

        assertThatThrownBy(() -> SegmentCatalog.of(Map.of(
                "a", RuleParser.parse("{\"inSegment\": \"b\"}"),
                "b", RuleParser.parse("{\"not\": {\"inSegment\": \"c\"}}"),
                "c", RuleParser.parse("{\"or\": [{\"inSegment\": \"a\"}, {\"property\": \"x\", \"op\": \"exists\"}]}"))))
                .isInstanceOfSatisfying(RuleParser.InvalidRuleException.class, e -> assertThat(e.violations())
                        .containsExactly(new Violation("segments.a", "depends on itself: a → b → c → a")));
    }
}
