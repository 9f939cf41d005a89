package io.heomdm.analytics;

import io.heomdm.events.EventCatalog;
import io.heomdm.eventlog.SharedTopics;
import io.heomdm.eventlog.TopicSpec;
import java.util.List;

/** The topics the analytics layer writes. */
public final class AnalyticsTopics {
    /**
     * Segment entries and exits keyed by segment/customerId and compacted: the latest change per
     * membership is kept, so reading the topic from the start gives every segment's members.
     */
    public static final TopicSpec SEGMENTS = SharedTopics.SEGMENTS;
    /** Each customer's latest scores (churn risk, RFM), keyed by customerId and compacted. */
    public static final TopicSpec SCORES = new TopicSpec("analytics.scores.v1", "customerId",
            List.of(EventCatalog.CUSTOMER_SCORED), 12, TopicSpec.Cleanup.COMPACT, null);

    /** Segments defined through the API, keyed by name and compacted: read whole by every instance at start. */
    public static final TopicSpec SEGMENT_DEFINITIONS = new TopicSpec("analytics.segment-definitions.v1", "name",
            List.of(EventCatalog.SEGMENT_DEFINED), 1, TopicSpec.Cleanup.COMPACT, null);
    /** Each product's demand per closed window, keyed by productId: what the pricing engine reads. */
    public static final TopicSpec DEMAND = SharedTopics.DEMAND;

    private AnalyticsTopics() {
    }

    public static List<TopicSpec> all() {
        return List.of(SEGMENTS, SCORES, DEMAND, SEGMENT_DEFINITIONS);
    }
}
