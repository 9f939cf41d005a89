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
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import com.fasterxml.jackson.databind.JsonNode;
import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.events.Envelope;
import io.heomdm.events.Event;
import io.heomdm.events.EventCatalog;
import io.heomdm.events.EventIds;
import io.heomdm.events.Violation;
import io.heomdm.events.schema.JourneyDefined;
import java.time.InstantSource;
import java.util.random.RandomGenerator;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The campaign service's journeys as a Kafka Streams application ({@code heomdm-campaigns}, its own
 * because it keys and falls behind apart from pricing and recommendations). The dispatcher that
 * turns its decisions into tasks runs beside it as a plain consumer: {@link DeliveryDispatcher}.
 */
public final class Campaigns implements AutoCloseable {
    public static final String APPLICATION_ID = "heomdm-campaigns";
    private final StreamsApp app;
    private final Set<String> configured;
    private final KafkaEventPublisher publisher;
    private final InstantSource clock;
    private final EventIds ids;

    private Campaigns(StreamsApp app, Set<String> configured, KafkaEventPublisher publisher, InstantSource clock, RandomGenerator random) {
        this.app = app;
        this.configured = configured;
        this.publisher = publisher;
        this.clock = clock;
        this.ids = new EventIds(clock, random);
    }

    /** Creates the topics it reads and writes if missing (the segments and prices topics too: analytics or pricing may be off), starts and waits until it runs. */
    public static Campaigns start(KafkaSettings kafka, Path stateDir, int threads, CampaignSettings settings, Duration startTimeout,
            InstantSource clock, RandomGenerator random) {
        List<TopicSpec> topics = new ArrayList<>(CampaignsTopics.all());
        topics.add(SharedTopics.SEGMENTS);
        topics.add(DecisionsTopics.PRICES);
        topics.add(MarketTopics.CAMPAIGNS);
        TopicAdmin.ensure(kafka, topics);
        var app = StreamsApp.start(APPLICATION_ID, CampaignsTopology.build(settings), kafka, stateDir, threads, startTimeout);
        return new Campaigns(app, settings.journeys().stream().map(Journey::id).collect(Collectors.toUnmodifiableSet()),
                new KafkaEventPublisher(kafka, APPLICATION_ID + "-definitions"), clock, random);
    }

    /**
     * Defines (or defines again) a journey through the API: checked like a configured one, then
     * written to the definitions topic once the broker has it; the journeys take it in within 5 s.
     * Returns every mistake, each named by its path; nothing is written when there is one.
     */
    public List<Violation> defineJourney(String id, JsonNode journey) {
        List<Violation> violations = JourneyDefinitions.check(id, journey, configured);
        if (violations.isEmpty()) {
            var type = EventCatalog.JOURNEY_DEFINED;
            var envelope = new Envelope(ids.next(), type.name(), type.version(), id, clock.instant(), null, null, null);
            publisher.publish(CampaignsTopics.JOURNEY_DEFINITIONS, new Event<>(envelope, new JourneyDefined(id, journey.toString()))).join();
        }
        return violations;
    }

    /** Every journey's id and where it comes from: "configuration" or "api" (as last written; one that no longer compiles is not run). */
    public Map<String, String> journeys() {
        Map<String, String> all = new TreeMap<>();
        configured.forEach(id -> all.put(id, "configuration"));
        ReadOnlyKeyValueStore<String, String> store = app.streams().store(
                StoreQueryParameters.fromNameAndType(CampaignsTopology.DEFINITIONS_STORE, QueryableStoreTypes.keyValueStore()));
        try (var it = store.all()) {
            it.forEachRemaining(kv -> all.put(kv.key, "api"));
        }
        return all;
    }

    public boolean isRunning() {
        return app.isRunning();
    }

    @Override
    public void close() {
        publisher.close();
        app.close();
    }
}
