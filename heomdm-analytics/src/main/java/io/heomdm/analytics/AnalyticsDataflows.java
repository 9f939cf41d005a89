package io.heomdm.analytics;

import static io.heomdm.events.EventCatalog.CART_ITEM_ADDED;
import static io.heomdm.events.EventCatalog.CART_ITEM_REMOVED;
import static io.heomdm.events.EventCatalog.CUSTOMER_ERASED;
import static io.heomdm.events.EventCatalog.CUSTOMER_SCORED;
import static io.heomdm.events.EventCatalog.CUSTOMER_SUPPRESSED;
import static io.heomdm.events.EventCatalog.CUSTOMER_UPDATED;
import static io.heomdm.events.EventCatalog.DEMAND_OBSERVED;
import static io.heomdm.events.EventCatalog.ORDER_PLACED;
import static io.heomdm.events.EventCatalog.PRODUCT_VIEWED;
import static io.heomdm.events.EventCatalog.SEGMENT_DEFINED;
import static io.heomdm.events.EventCatalog.SEGMENT_ENTERED;
import static io.heomdm.events.EventCatalog.SEGMENT_EXITED;

import io.heomdm.eventlog.Dataflow;
import io.heomdm.eventlog.MarketTopics;
import java.util.List;

/** What the analytics layer reads and writes (the event catalogue is made from this; the topologies are checked against it). */
public final class AnalyticsDataflows {
    public static final Dataflow CUSTOMERS = Dataflow.of(Analytics.CUSTOMERS_APPLICATION_ID,
                    "customer profiles, segment memberships and scores (RFM, churn risk)")
            .reads(MarketTopics.ACTIVITY, PRODUCT_VIEWED, CART_ITEM_ADDED, CART_ITEM_REMOVED, ORDER_PLACED, CUSTOMER_UPDATED, CUSTOMER_ERASED,
                    CUSTOMER_SUPPRESSED)
            .reads(AnalyticsTopics.SEGMENT_DEFINITIONS, SEGMENT_DEFINED)
            .writes(AnalyticsTopics.SEGMENTS, SEGMENT_ENTERED, SEGMENT_EXITED)
            .writes(AnalyticsTopics.SCORES, CUSTOMER_SCORED)
            .build();
    public static final Dataflow DEMAND = Dataflow.of(Analytics.DEMAND_APPLICATION_ID, "each product's demand per window, with a forecast")
            .reads(MarketTopics.ACTIVITY, PRODUCT_VIEWED, CART_ITEM_ADDED, ORDER_PLACED)
            .writes(AnalyticsTopics.DEMAND, DEMAND_OBSERVED)
            .build();
    public static final Dataflow SEGMENT_API = Dataflow.of("POST/DELETE /v1/segments", "segments defined through the API")
            .writes(AnalyticsTopics.SEGMENT_DEFINITIONS, SEGMENT_DEFINED)
            .build();

    private AnalyticsDataflows() {
    }

    public static List<Dataflow> all() {
        return List.of(CUSTOMERS, DEMAND, SEGMENT_API);
    }
}
