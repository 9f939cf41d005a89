package io.heomdm.decisions.campaigns;

import io.heomdm.decisions.DecisionsTopics;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.SharedTopics;
import io.heomdm.eventlog.TopicAdmin;
import io.heomdm.eventlog.streams.StreamsApp;
import io.heomdm.eventlog.TopicSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The campaign service's journeys as a Kafka Streams application ({@code heomdm-campaigns}, its own
 * because it keys and falls behind apart from pricing and recommendations). The dispatcher that
 * turns its decisions into tasks runs beside it as a plain consumer: {@link DeliveryDispatcher}.
 */
public final class Campaigns implements AutoCloseable {
    public static final String APPLICATION_ID = "heomdm-campaigns";
    private final StreamsApp app;

    private Campaigns(StreamsApp app) {
        this.app = app;
    }

    /** Creates the topics it reads and writes if missing (the segments and prices topics too: analytics or pricing may be off), starts and waits until it runs. */
    public static Campaigns start(KafkaSettings kafka, Path stateDir, int threads, CampaignSettings settings, Duration startTimeout) {
        List<TopicSpec> topics = new ArrayList<>(CampaignsTopics.all());
        topics.add(SharedTopics.SEGMENTS);
        topics.add(DecisionsTopics.PRICES);
        topics.add(MarketTopics.CAMPAIGNS);
        TopicAdmin.ensure(kafka, topics);
        return new Campaigns(StreamsApp.start(APPLICATION_ID, CampaignsTopology.build(settings), kafka, stateDir, threads, startTimeout));
    }

    public boolean isRunning() {
        return app.isRunning();
    }

    @Override
    public void close() {
        app.close();
    }
}
