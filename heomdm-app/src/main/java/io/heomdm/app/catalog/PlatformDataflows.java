package io.heomdm.app.catalog;

import io.heomdm.analytics.AnalyticsDataflows;
import io.heomdm.archive.ArchiveDataflows;
import io.heomdm.analytics.AnalyticsTopics;
import io.heomdm.campaigns.CampaignsDataflows;
import io.heomdm.campaigns.CampaignsTopics;
import io.heomdm.decisions.DecisionsDataflows;
import io.heomdm.decisions.DecisionsTopics;
import io.heomdm.eventlog.Dataflow;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.TopicSpec;
import io.heomdm.events.EventCatalog;
import io.heomdm.gateway.GatewayDataflows;
import io.heomdm.taskqueue.TaskQueues;
import io.heomdm.reporting.ReportingDataflows;
import io.heomdm.tasks.TasksDataflows;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Every part's declaration of what it reads and writes, and every topic: what the event catalogue is made of. */
public final class PlatformDataflows {
    /**
     * Types that leave or enter HEOMDM without a part of it on the other side, declared here so that
     * each is a decision, not an oversight.
     */
    static final List<Dataflow> OUTSIDE = List.of(
            Dataflow.of("integrations (outside HEOMDM)", "CRM upserts enqueued by a company's own systems; nothing in HEOMDM sends them")
                    .writesQueue(TaskQueues.CRM_UPDATES.name(), EventCatalog.UPDATE_CRM_RECORD)
                    .build(),
            Dataflow.of("downstream consumers (outside HEOMDM)",
                            "scores and recommendations for a company's own systems; HEOMDM's API answers from the services' stores")
                    .reads(AnalyticsTopics.SCORES, EventCatalog.CUSTOMER_SCORED)
                    .reads(DecisionsTopics.RECOMMENDATIONS, EventCatalog.RECOMMENDATIONS_UPDATED)
                    .build());

    private PlatformDataflows() {
    }

    public static List<Dataflow> all() {
        List<Dataflow> all = new ArrayList<>();
        all.add(GatewayDataflows.INGESTION);
        all.addAll(AnalyticsDataflows.all());
        all.addAll(DecisionsDataflows.all());
        all.addAll(CampaignsDataflows.all());
        all.addAll(TasksDataflows.all());
        all.add(ReportingDataflows.PROJECTOR);
        all.add(ArchiveDataflows.ARCHIVER);
        all.addAll(OUTSIDE);
        return List.copyOf(all);
    }

    /** Every topic of the platform by name, market topics first. */
    public static Map<String, TopicSpec> topics() {
        Map<String, TopicSpec> topics = new LinkedHashMap<>();
        Stream.of(MarketTopics.all(), AnalyticsTopics.all(), DecisionsTopics.all(), CampaignsTopics.all())
                .flatMap(List::stream).forEach(t -> topics.putIfAbsent(t.name(), t));
        return topics;
    }
}
