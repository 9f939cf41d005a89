package io.heomdm.analytics.segments;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RuleTest {
    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    /** A customer: properties, stamped events, and the segments it is in. */
    static final class Customer implements Rule.Facts {
        final Map<String, Object> properties = new HashMap<>();
        final List<Map.Entry<String, Instant>> events = new ArrayList<>();
        Set<String> segments = Set.of();

        Customer with(String property, Object value) {
            properties.put(property, value);
            return this;
        }

        Customer event(String type, Instant at) {
            events.add(Map.entry(type, at));
            return this;
        }

        @Override
        public Optional<Object> property(String name) {
            return Optional.ofNullable(properties.get(name));
        }

        @Override
        public long eventCount(String type, Instant from, Instant to) {
            return events.stream().filter(e -> e.getKey().equals(type) && !e.getValue().isBefore(from) && e.getValue().isBefore(to)).count();
        }

        @Override
        public boolean inSegment(String segment) {
            return segments.contains(segment);
        }
    }

    @Test
    void noOrderInThirtyDaysBecomesTrueAsTimePassesWithNoNewEvent() {
        Rule lapsed = RuleParser.parse("""
                {"and": [{"pastEvent": {"type": "OrderPlaced", "days": 365}},
                         {"pastEvent": {"type": "OrderPlaced", "days": 30, "notOccurred": true}}]}""");
        var customer = new Customer().event("OrderPlaced", NOW.minus(Duration.ofDays(20)));

        assertThat(lapsed.matches(customer, NOW)).isFalse();
        assertThat(lapsed.matches(customer, NOW.plus(Duration.ofDays(9)))).isFalse();
        assertThat(lapsed.matches(customer, NOW.plus(Duration.ofDays(10)).plusSeconds(1))).isTrue();
        assertThat(lapsed.matches(customer, NOW.plus(Duration.ofDays(346)))).as("a year after the order").isFalse();
    }

    @Test
    void pastEventCountsWithinMinAndMaxInARelativeOrFixedWindow() {
        var customer = new Customer();
        for (int d = 1; d <= 5; d++) {
            customer.event("ProductViewed", NOW.minus(Duration.ofDays(d)));
        }
        customer.event("ProductViewed", NOW); // stamped now: counts in "the last N days"

        assertThat(RuleParser.parse("{\"pastEvent\": {\"type\": \"ProductViewed\", \"days\": 7, \"min\": 6}}").matches(customer, NOW)).isTrue();
        assertThat(RuleParser.parse("{\"pastEvent\": {\"type\": \"ProductViewed\", \"days\": 7, \"min\": 2, \"max\": 5}}").matches(customer, NOW)).isFalse();
        // between 4 and 2 days ago: the views of 4 and 3 days ago (the one of 2 days ago is the window's end, excluded)
        assertThat(RuleParser.parse("{\"pastEvent\": {\"type\": \"ProductViewed\", \"from\": 4, \"to\": 2, \"min\": 2, \"max\": 2}}")
                .matches(customer, NOW)).isTrue();
        assertThat(RuleParser.parse("""
                {"pastEvent": {"type": "ProductViewed", "from": "2026-11-01T00:00:00Z", "to": "2026-11-19T00:00:00Z"}}""")
                .matches(customer, NOW)).as("no view before 19 Nov").isFalse();
        assertThat(RuleParser.parse("{\"pastEvent\": {\"type\": \"OrderPlaced\", \"days\": 7}}").matches(customer, NOW)).isFalse();
    }

    @Test
    void comparisonsReadTheProfileAndAMissingPropertyMatchesOnlyNeAndNotExists() {
        var customer = new Customer().with("orderCount", 3).with("country", "DE").with("consent", true);

        assertThat(RuleParser.parse("{\"property\": \"orderCount\", \"op\": \"gte\", \"value\": 3}").matches(customer, NOW)).isTrue();
        assertThat(RuleParser.parse("{\"property\": \"orderCount\", \"op\": \"gt\", \"value\": 3}").matches(customer, NOW)).isFalse();
        assertThat(RuleParser.parse("{\"property\": \"orderCount\", \"op\": \"eq\", \"value\": 3.0}").matches(customer, NOW)).isTrue();
        assertThat(RuleParser.parse("{\"property\": \"country\", \"op\": \"in\", \"value\": [\"FR\", \"DE\"]}").matches(customer, NOW)).isTrue();
        assertThat(RuleParser.parse("{\"property\": \"consent\", \"op\": \"eq\", \"value\": true}").matches(customer, NOW)).isTrue();
        assertThat(RuleParser.parse("{\"property\": \"country\", \"op\": \"lt\", \"value\": 5}").matches(customer, NOW))
                .as("an order comparison of a string").isFalse();

        assertThat(RuleParser.parse("{\"property\": \"revenue\", \"op\": \"lt\", \"value\": 10}").matches(customer, NOW)).isFalse();
        assertThat(RuleParser.parse("{\"property\": \"revenue\", \"op\": \"ne\", \"value\": 10}").matches(customer, NOW)).isTrue();
        assertThat(RuleParser.parse("{\"property\": \"revenue\", \"op\": \"exists\"}").matches(customer, NOW)).isFalse();
        assertThat(RuleParser.parse("{\"property\": \"revenue\", \"op\": \"exists\", \"value\": false}").matches(customer, NOW)).isTrue();
    }

    @Test
    void andOrNotAndInSegmentCompose() {
        Rule rule = RuleParser.parse("""
                {"or": [{"inSegment": "vip"},
                        {"and": [{"property": "orderCount", "op": "gte", "value": 2}, {"not": {"inSegment": "unsubscribed"}}]}]}""");
        var customer = new Customer().with("orderCount", 2);

        assertThat(rule.matches(customer, NOW)).isTrue();
        customer.segments = Set.of("unsubscribed");
        assertThat(rule.matches(customer, NOW)).isFalse();
        customer.segments = Set.of("unsubscribed", "vip");
        assertThat(rule.matches(customer, NOW)).isTrue();
    }
}
