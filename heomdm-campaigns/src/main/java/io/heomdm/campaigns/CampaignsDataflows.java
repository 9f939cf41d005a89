package io.heomdm.campaigns;

import static io.heomdm.events.EventCatalog.CAMPAIGN_TRIGGERED;
import static io.heomdm.events.EventCatalog.CUSTOMER_ERASED;
import static io.heomdm.events.EventCatalog.CUSTOMER_SUPPRESSED;
import static io.heomdm.events.EventCatalog.CUSTOMER_UPDATED;
import static io.heomdm.events.EventCatalog.DELIVERY_DECIDED;
import static io.heomdm.events.EventCatalog.JOURNEY_DEFINED;
import static io.heomdm.events.EventCatalog.ORDER_PLACED;
import static io.heomdm.events.EventCatalog.PRICE_CHANGED;
import static io.heomdm.events.EventCatalog.PRODUCT_VIEWED;
import static io.heomdm.events.EventCatalog.SEGMENT_ENTERED;
import static io.heomdm.events.EventCatalog.SEGMENT_EXITED;
import static io.heomdm.events.EventCatalog.TASK_COMPLETED;
import static io.heomdm.events.EventCatalog.TASK_FAILED;

import io.heomdm.decisions.DecisionsTopics;
import io.heomdm.eventlog.Dataflow;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.SharedTopics;
import io.heomdm.taskqueue.TaskQueues;
import java.util.List;

/** What the campaign service reads and writes (the event catalogue is made from this; the topology is checked against it). */
public final class CampaignsDataflows {
    public static final Dataflow CAMPAIGNS = Dataflow.of(Campaigns.APPLICATION_ID,
                    "journeys and campaigns: who gets which message when, through the delivery gate")
            .reads(SharedTopics.SEGMENTS, SEGMENT_ENTERED, SEGMENT_EXITED)
            .reads(MarketTopics.ACTIVITY, PRODUCT_VIEWED, ORDER_PLACED, CUSTOMER_UPDATED, CUSTOMER_ERASED, CUSTOMER_SUPPRESSED)
            .reads(MarketTopics.CAMPAIGNS, CAMPAIGN_TRIGGERED)
            .reads(DecisionsTopics.PRICES, PRICE_CHANGED)
            .reads(MarketTopics.TASK_OUTCOMES, TASK_FAILED)
            .reads(CampaignsTopics.JOURNEY_DEFINITIONS, JOURNEY_DEFINED)
            .writes(CampaignsTopics.DELIVERIES, DELIVERY_DECIDED)
            .build();
    public static final Dataflow DISPATCHER = Dataflow.of(DeliveryDispatcher.CONSUMER_GROUP,
                    "queues each sent delivery as a notification, with a budget hold, through the outbox")
            .reads(CampaignsTopics.DELIVERIES, DELIVERY_DECIDED)
            .writesQueue(TaskQueues.NOTIFICATIONS.name(), TaskQueues.NOTIFICATIONS.taskType())
            .writesQueue(TaskQueues.BILLING.name(), TaskQueues.BILLING.taskType())
            .build();
    public static final Dataflow BUDGET_SAGA = Dataflow.of(BudgetSaga.CONSUMER_GROUP,
                    "settles each budget hold when its notification is done: a charge, or a release")
            .reads(MarketTopics.TASK_OUTCOMES, TASK_COMPLETED, TASK_FAILED)
            .writesQueue(TaskQueues.BILLING.name(), TaskQueues.BILLING.taskType())
            .build();
    public static final Dataflow JOURNEY_API = Dataflow.of("POST/DELETE /v1/journeys", "journeys defined through the API")
            .writes(CampaignsTopics.JOURNEY_DEFINITIONS, JOURNEY_DEFINED)
            .build();

    private CampaignsDataflows() {
    }

    public static List<Dataflow> all() {
        return List.of(CAMPAIGNS, DISPATCHER, BUDGET_SAGA, JOURNEY_API);
    }
}
