package io.heomdm.eventlog;

import static io.heomdm.events.EventCatalog.CAMPAIGN_TRIGGERED;
import static io.heomdm.events.EventCatalog.CART_ITEM_ADDED;
import static io.heomdm.events.EventCatalog.CART_ITEM_REMOVED;
import static io.heomdm.events.EventCatalog.COMPETITOR_PRICE_OBSERVED;
import static io.heomdm.events.EventCatalog.CUSTOMER_ERASED;
import static io.heomdm.events.EventCatalog.CUSTOMER_SUPPRESSED;
import static io.heomdm.events.EventCatalog.CUSTOMER_UPDATED;
import static io.heomdm.events.EventCatalog.ORDER_PLACED;
import static io.heomdm.events.EventCatalog.PRODUCT_CATALOGUED;
import static io.heomdm.events.EventCatalog.PRODUCT_VIEWED;
import static io.heomdm.events.EventCatalog.TASK_COMPLETED;
import static io.heomdm.events.EventCatalog.TASK_FAILED;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The topics of the market event log. */
public final class MarketTopics {
    /** Everything a customer does, keyed by customerId so one customer's events stay in order. */
    public static final TopicSpec ACTIVITY = new TopicSpec("market.activity.v1", "customerId",
            List.of(PRODUCT_VIEWED, CART_ITEM_ADDED, CART_ITEM_REMOVED, ORDER_PLACED, CUSTOMER_UPDATED, CUSTOMER_ERASED, CUSTOMER_SUPPRESSED),
            12, TopicSpec.Cleanup.DELETE, Duration.ofDays(30));
    /** The catalogue, keyed by productId and compacted: the latest entry per product is kept for replay. */
    public static final TopicSpec CATALOG = new TopicSpec("market.catalog.v1", "productId",
            List.of(PRODUCT_CATALOGUED), 6, TopicSpec.Cleanup.COMPACT, null);
    /**
     * Competitors' prices, keyed by productId and partitioned like {@code analytics.demand.v1}, so the
     * pricing engine reads both for a product in one task. Not on the catalogue topic: compaction there
     * would let a competitor's price replace the product's catalogue entry.
     */
    public static final TopicSpec COMPETITOR_PRICES = new TopicSpec("market.competitor-prices.v1", "productId",
            List.of(COMPETITOR_PRICE_OBSERVED), 12, TopicSpec.Cleanup.DELETE, Duration.ofDays(7));
    public static final TopicSpec CAMPAIGNS = new TopicSpec("market.campaigns.v1", "campaignId",
            List.of(CAMPAIGN_TRIGGERED), 3, TopicSpec.Cleanup.DELETE, Duration.ofDays(30));
    /** What happened to every task, keyed by the task's eventId. */
    public static final TopicSpec TASK_OUTCOMES = new TopicSpec("tasks.outcomes.v1", "taskEventId",
            List.of(TASK_COMPLETED, TASK_FAILED), 6, TopicSpec.Cleanup.DELETE, Duration.ofDays(30));

    private MarketTopics() {
    }

    public static List<TopicSpec> all() {
        return List.of(ACTIVITY, CATALOG, COMPETITOR_PRICES, CAMPAIGNS, TASK_OUTCOMES);
    }

    /** The topic an event type is published to, if it is an event-log type. */
    public static Optional<TopicSpec> forType(String typeName) {
        return all().stream().filter(t -> t.carries(typeName)).findFirst();
    }
}
