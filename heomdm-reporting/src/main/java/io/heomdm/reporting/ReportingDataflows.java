package io.heomdm.reporting;

import static io.heomdm.events.EventCatalog.DELIVERY_DECIDED;
import static io.heomdm.events.EventCatalog.ORDER_PLACED;
import static io.heomdm.events.EventCatalog.PRODUCT_CATALOGUED;
import static io.heomdm.events.EventCatalog.SEGMENT_ENTERED;
import static io.heomdm.events.EventCatalog.SEGMENT_EXITED;
import static io.heomdm.events.EventCatalog.TASK_COMPLETED;
import static io.heomdm.events.EventCatalog.TASK_FAILED;

import io.heomdm.eventlog.Dataflow;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.SharedTopics;
import io.heomdm.eventlog.TopicSpec;
import java.util.List;

/** What the reporting projector reads: one consumer group per topic, {@code reports.<topic>}. */
public final class ReportingDataflows {
    /** The topics the projector subscribes to. */
    public static final List<TopicSpec> TOPICS = List.of(MarketTopics.ACTIVITY, MarketTopics.CATALOG, SharedTopics.SEGMENTS, SharedTopics.DELIVERIES,
            MarketTopics.TASK_OUTCOMES);
    public static final Dataflow PROJECTOR = Dataflow.of(ReportProjector.CONSUMER + ".*", "the reporting read model: sales, segments, "
                    + "campaigns and dead letters per day, in the database")
            .reads(MarketTopics.ACTIVITY, ORDER_PLACED)
            .reads(MarketTopics.CATALOG, PRODUCT_CATALOGUED)
            .reads(SharedTopics.SEGMENTS, SEGMENT_ENTERED, SEGMENT_EXITED)
            .reads(SharedTopics.DELIVERIES, DELIVERY_DECIDED)
            .reads(MarketTopics.TASK_OUTCOMES, TASK_COMPLETED, TASK_FAILED)
            .build();

    /** The tables the projector writes (V9__reporting.sql), emptied when it is rebuilt. */
    public static final List<String> TABLES = List.of("report_products", "report_sales_daily", "report_segment_daily", "report_campaign_daily",
            "report_sent_messages", "report_task_outcomes");

    private ReportingDataflows() {
    }

    /** The consumer group that reads {@code topic} for the projector. */
    public static String consumerGroup(TopicSpec topic) {
        return ReportProjector.CONSUMER + "." + topic.name();
    }
}
