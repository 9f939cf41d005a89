package io.heomdm.gateway;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code GET /v1/customers/{id}}: the profile, the scores as last published, the segments. */
public record CustomerResponse(String customerId, Instant firstSeen, Instant lastSeen, Optional<Instant> firstPurchase, Optional<Instant> lastPurchase,
        long orderCount, BigDecimal revenue, Optional<BigDecimal> averageOrderValue, Optional<String> favouriteCategory, Optional<String> timeZone,
        Optional<Consent> consent, Map<String, Long> eventsLast30Days, Optional<Scores> scores, List<String> segments) {

    public record Consent(boolean email, boolean sms, boolean push) {
    }

    /** RFM quintiles (1–5), the named RFM segment and the churn risk (0–100). */
    public record Scores(int recency, int frequency, int monetary, String rfmSegment, int churnRisk) {
    }
}
