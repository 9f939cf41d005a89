package io.heomdm.eventlog;

import io.heomdm.events.EventCatalog;
import java.time.Duration;
import java.util.List;

/**
 * Derived topics that one layer writes and another reads. They are declared here, below both, since
 * the layers may not depend on each other; either creates them, whichever starts first.
 */
public final class SharedTopics {
    /** Each product's demand per closed window, keyed by productId: written by analytics, read by the pricing engine. */
    public static final TopicSpec DEMAND = new TopicSpec("analytics.demand.v1", "productId",
            List.of(EventCatalog.DEMAND_OBSERVED), 12, TopicSpec.Cleanup.DELETE, Duration.ofDays(7));

    /**
     * Segment memberships, keyed by segment/customerId and compacted: written by analytics, read by
     * the campaign journeys (entries into segments, waits for them).
     */
    public static final TopicSpec SEGMENTS = new TopicSpec("analytics.segments.v1", "membership",
            List.of(EventCatalog.SEGMENT_ENTERED, EventCatalog.SEGMENT_EXITED), 12, TopicSpec.Cleanup.COMPACT, null);

    /**
     * Every delivery gate decision (sent, deferred, suppressed), keyed by customerId: written by the
     * campaign service, read by its dispatcher and by the reporting projector.
     */
    public static final TopicSpec DELIVERIES = new TopicSpec("campaigns.deliveries.v1", "customerId",
            List.of(EventCatalog.DELIVERY_DECIDED), 12, TopicSpec.Cleanup.DELETE, Duration.ofDays(7));

    private SharedTopics() {
    }
}
