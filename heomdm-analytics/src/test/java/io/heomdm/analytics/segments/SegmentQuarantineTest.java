package io.heomdm.analytics.segments;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A rule that throws when evaluated is taken out, shown with its error, and leaves every other segment working. */
class SegmentQuarantineTest {
    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

    /** What the parser now refuses (a look-back of millions of years), built directly as an older definition would hold it. */
    private static final Rule OVERFLOWS = new Rule.PastEvent("OrderPlaced", new Rule.Window.Relative(Duration.ofDays(999_999_999_999L), Duration.ZERO),
            1, OptionalLong.empty(), false);

    @Test
    void aRuleThatThrowsIsQuarantinedAndTheOthersAreStillEvaluated() {
        Map<String, Rule> rules = new LinkedHashMap<>();
        rules.put("big-spenders", new Rule.Compare("orderCount", Rule.Compare.Op.GTE, 1));
        rules.put("hostile", OVERFLOWS);
        rules.put("hostile-fans", new Rule.InSegment("hostile"));
        var catalog = SegmentCatalog.of(Map.of()).with(rules);
        var evaluations = new AtomicInteger();
        Rule.Facts facts = new Rule.Facts() {
            @Override
            public Optional<Object> property(String name) {
                return name.equals("orderCount") ? Optional.of(3) : Optional.empty();
            }

            @Override
            public long eventCount(String type, Instant from, Instant to) {
                evaluations.incrementAndGet();
                return 1;
            }

            @Override
            public boolean inSegment(String segment) {
                return false;
            }
        };

        assertThat(catalog.evaluate(facts, NOW)).as("every customer update goes on").containsExactly("big-spenders");
        assertThat(catalog.quarantined()).containsOnlyKeys("hostile");
        assertThat(catalog.quarantined().get("hostile").error()).startsWith("DateTimeException");

        assertThat(catalog.evaluate(facts, NOW)).containsExactly("big-spenders");
        assertThat(evaluations).as("a quarantined rule is not evaluated again").hasValue(0);

        Map<String, Rule> fixed = new LinkedHashMap<>(rules);
        fixed.put("hostile", new Rule.PastEvent("OrderPlaced", new Rule.Window.Relative(Duration.ofDays(30), Duration.ZERO), 1, OptionalLong.empty(), false));
        var redefined = catalog.with(fixed);
        assertThat(redefined.evaluate(facts, NOW)).as("defined again: back, and its dependants with it")
                .containsExactlyInAnyOrder("big-spenders", "hostile", "hostile-fans");
        assertThat(redefined.quarantined()).isEmpty();
    }
}
