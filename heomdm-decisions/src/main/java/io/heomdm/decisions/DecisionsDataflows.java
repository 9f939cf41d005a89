package io.heomdm.decisions;

import static io.heomdm.events.EventCatalog.CART_ITEM_ADDED;
import static io.heomdm.events.EventCatalog.COMPETITOR_PRICE_OBSERVED;
import static io.heomdm.events.EventCatalog.CUSTOMER_ERASED;
import static io.heomdm.events.EventCatalog.DEMAND_OBSERVED;
import static io.heomdm.events.EventCatalog.ORDER_PLACED;
import static io.heomdm.events.EventCatalog.PRICE_APPROVED;
import static io.heomdm.events.EventCatalog.PRICE_CHANGED;
import static io.heomdm.events.EventCatalog.PRODUCT_CATALOGUED;
import static io.heomdm.events.EventCatalog.PRODUCT_VIEWED;
import static io.heomdm.events.EventCatalog.RECOMMENDATIONS_UPDATED;

import io.heomdm.eventlog.Dataflow;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.SharedTopics;
import io.heomdm.taskqueue.TaskQueues;
import java.util.List;

/** What the decision services read and write (the event catalogue is made from this; the topology is checked against it). */
public final class DecisionsDataflows {
    public static final Dataflow DECISIONS = Dataflow.of(Decisions.APPLICATION_ID, "dynamic prices, price tests and recommendations")
            .reads(MarketTopics.CATALOG, PRODUCT_CATALOGUED)
            .reads(SharedTopics.DEMAND, DEMAND_OBSERVED)
            .reads(MarketTopics.COMPETITOR_PRICES, COMPETITOR_PRICE_OBSERVED)
            .reads(DecisionsTopics.PRICE_APPROVALS, PRICE_APPROVED)
            .reads(MarketTopics.ACTIVITY, PRODUCT_VIEWED, CART_ITEM_ADDED, ORDER_PLACED, CUSTOMER_ERASED)
            .writes(DecisionsTopics.PRICES, PRICE_CHANGED)
            .writes(DecisionsTopics.RECOMMENDATIONS, RECOMMENDATIONS_UPDATED)
            .build();
    public static final Dataflow ORDER_CONFIRMATION = Dataflow.of(OrderConfirmation.CONSUMER_GROUP, "an order confirmation for every order")
            .reads(MarketTopics.ACTIVITY, ORDER_PLACED)
            .writesQueue(TaskQueues.NOTIFICATIONS.name(), TaskQueues.NOTIFICATIONS.taskType())
            .build();
    public static final Dataflow APPROVAL_API = Dataflow.of("POST /v1/pricing/approve", "a recommended price approved through the API")
            .writes(DecisionsTopics.PRICE_APPROVALS, PRICE_APPROVED)
            .build();

    private DecisionsDataflows() {
    }

    public static List<Dataflow> all() {
        return List.of(DECISIONS, ORDER_CONFIRMATION, APPROVAL_API);
    }
}
