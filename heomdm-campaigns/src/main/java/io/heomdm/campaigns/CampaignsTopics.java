package io.heomdm.campaigns;

import io.heomdm.eventlog.SharedTopics;
import io.heomdm.eventlog.TopicSpec;
import io.heomdm.events.EventCatalog;
import java.time.Duration;
import java.util.List;

/** The topics the campaign service writes. */
public final class CampaignsTopics {
    /** Every delivery gate decision (sent, deferred, suppressed), keyed by customerId; the dispatcher queues the sent ones as tasks. */
    public static final TopicSpec DELIVERIES = SharedTopics.DELIVERIES;

    /** Journeys defined through the API, keyed by journey id and compacted: the latest definition per id is kept. */
    public static final TopicSpec JOURNEY_DEFINITIONS = new TopicSpec("campaigns.journey-definitions.v1", "id",
            List.of(EventCatalog.JOURNEY_DEFINED), 1, TopicSpec.Cleanup.COMPACT, null);

    private CampaignsTopics() {
    }

    public static List<TopicSpec> all() {
        return List.of(DELIVERIES, JOURNEY_DEFINITIONS);
    }
}
