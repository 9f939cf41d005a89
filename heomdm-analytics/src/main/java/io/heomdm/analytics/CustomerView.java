package io.heomdm.analytics;

import io.heomdm.analytics.customers.CustomerState;
import io.heomdm.analytics.profiles.CustomerProfile;
import io.heomdm.analytics.scores.CustomerScores;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A customer as {@code GET /v1/customers/{id}} shows them: profile, scores as last published, segments. */
public record CustomerView(String customerId, Instant firstSeen, Instant lastSeen, Optional<Instant> firstPurchase, Optional<Instant> lastPurchase,
        long orderCount, BigDecimal revenue, Optional<BigDecimal> averageOrderValue, Optional<String> favouriteCategory, Optional<String> timeZone,
        Optional<CustomerProfile.Consent> consent, Map<String, Long> eventsLast30Days, Optional<CustomerScores> scores, List<String> segments) {

    static CustomerView of(CustomerState state, Instant now) {
        CustomerProfile p = state.profile();
        var facts = p.facts();
        Map<String, Long> recent = new TreeMap<>();
        for (String type : p.dailyCounts().keySet()) {
            long n = facts.eventCount(type, now.minus(Duration.ofDays(30)), now.plusMillis(1));
            if (n > 0) {
                recent.put(type, n);
            }
        }
        return new CustomerView(p.customerId(), p.firstSeen(), p.lastSeen(), p.firstPurchase(), p.lastPurchase(), p.orderCount(), p.revenue(),
                p.averageOrderValue(), p.favouriteCategory(), p.timeZone(), p.consent(), recent, state.published(),
                state.segments().stream().sorted().toList());
    }
}
