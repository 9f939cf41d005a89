package io.heomdm.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.heomdm.analytics.customers.CustomerAnalyticsSettings;
import io.heomdm.analytics.demand.DemandSettings;
import io.heomdm.analytics.scores.CustomerScores;
import io.heomdm.analytics.scores.RfmCuts;
import io.heomdm.analytics.segments.Rule;
import io.heomdm.analytics.segments.RuleParser;
import io.heomdm.analytics.segments.SegmentCatalog;
import io.heomdm.events.Violation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The customer analytics application (Kafka Streams).
 *
 * @param sweepEverySeconds      how often every customer is evaluated again with no event arriving
 * @param requantileEveryMinutes how often RFM cut points are read again from the population
 * @param rfmCuts                fixed RFM cut points (recencyDays, frequency, monetary: four ascending values each); absent: quantiles
 * @param segments               segment name → rule tree in the segment rule language
 * @param demand                 product demand windows and forecast
 */
public record AnalyticsConfig(boolean enabled, @Between(min = 1, max = 64) int threads, @Between(min = 1, max = 86_400) int sweepEverySeconds,
        @Between(min = 1, max = 10_080) int requantileEveryMinutes, @Between(min = 5, max = Integer.MAX_VALUE) int minPopulation,
        @Between(min = 1, max = 100) int churnStep, RfmCuts rfmCuts, @NotNull(message = HeomdmConfig.SET) Map<String, JsonNode> segments,
        @NotNull(message = HeomdmConfig.SET) @Valid Demand demand) {

    public record Demand(@Between(min = 1, max = 7 * 1440) int windowMinutes, @Between(min = 1, max = 7 * 1440) int advanceMinutes,
            @Between(min = 0, max = 86_400) int graceSeconds, @Between(min = 0.01, max = 1) double alpha, @Between(min = 0.01, max = 1) double gamma) {
        public DemandSettings settings() {
            return new DemandSettings(Duration.ofMinutes(windowMinutes), Duration.ofMinutes(advanceMinutes), Duration.ofSeconds(graceSeconds),
                    alpha, gamma);
        }
    }

    public CustomerAnalyticsSettings settings() {
        return new CustomerAnalyticsSettings(Duration.ofSeconds(sweepEverySeconds), Duration.ofMinutes(requantileEveryMinutes), minPopulation,
                Optional.ofNullable(rfmCuts), churnStep);
    }

    /** The segments, parsed and checked together; an {@link RuleParser.InvalidRuleException} names each problem by its path. */
    public SegmentCatalog catalog() {
        Map<String, Rule> rules = new LinkedHashMap<>();
        List<Violation> violations = new ArrayList<>();
        segments.forEach((name, tree) -> {
            try {
                rules.put(name, RuleParser.parse(tree, "analytics.segments." + name));
            } catch (RuleParser.InvalidRuleException e) {
                violations.addAll(e.violations());
            }
        });
        if (!violations.isEmpty()) {
            throw new RuleParser.InvalidRuleException(violations);
        }
        return SegmentCatalog.of(rules);
    }

    /** The rules that tie settings together, and the segment rules; each one's own range is a constraint above. */
    void check(List<String> p) {
        if (requantileEveryMinutes * 60L < sweepEverySeconds) {
            p.add("analytics.requantileEveryMinutes: must be at least analytics.sweepEverySeconds");
        }
        if (demand.advanceMinutes() > demand.windowMinutes()) {
            p.add("analytics.demand.advanceMinutes: must be at most analytics.demand.windowMinutes, was " + demand.advanceMinutes());
        }
        if (60 % demand.advanceMinutes() != 0 && demand.advanceMinutes() % 60 != 0) {
            p.add("analytics.demand.advanceMinutes: must divide an hour or be whole hours, so windows line up with the hours of the day");
        }
        segments.keySet().stream().filter(CustomerScores.RFM_SEGMENTS::contains)
                .forEach(n -> p.add("analytics.segments." + n + ": the name is an RFM segment's; choose another"));
        try {
            catalog();
        } catch (RuleParser.InvalidRuleException e) {
            e.violations().forEach(v -> p.add(v.field().replaceFirst("^segments\\.", "analytics.segments.") + ": " + v.rule()));
        }
    }
}
