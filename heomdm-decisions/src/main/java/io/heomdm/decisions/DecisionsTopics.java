package io.heomdm.decisions;

import io.heomdm.events.EventCatalog;
import io.heomdm.eventlog.TopicSpec;
import java.time.Duration;
import java.util.List;

/** The topics the decision services write. */
public final class DecisionsTopics {
    /** Every pricing decision that changes (or would change) a price, keyed by productId; kept 90 days as the price history. */
    public static final TopicSpec PRICES = new TopicSpec("decisions.prices.v1", "productId",
            List.of(EventCatalog.PRICE_CHANGED), 12, TopicSpec.Cleanup.DELETE, Duration.ofDays(90));
    /** Approvals of recommended prices, keyed by productId and partitioned like the demand topic, so one task reads both. */
    public static final TopicSpec PRICE_APPROVALS = new TopicSpec("decisions.price-approvals.v1", "productId",
            List.of(EventCatalog.PRICE_APPROVED), 12, TopicSpec.Cleanup.DELETE, Duration.ofDays(7));
    /** An item's top neighbours each time they change, keyed by productId. */
    public static final TopicSpec RECOMMENDATIONS = new TopicSpec("decisions.recommendations.v1", "productId",
            List.of(EventCatalog.RECOMMENDATIONS_UPDATED), 12, TopicSpec.Cleanup.DELETE, Duration.ofDays(7));

    private DecisionsTopics() {
    }

    public static List<TopicSpec> all() {
        return List.of(PRICES, PRICE_APPROVALS, RECOMMENDATIONS);
    }
}
