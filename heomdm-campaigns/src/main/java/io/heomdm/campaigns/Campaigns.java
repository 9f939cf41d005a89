package io.heomdm.campaigns;

import io.heomdm.decisions.DecisionsTopics;
import io.heomdm.eventlog.KafkaSettings;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.SharedTopics;
import io.heomdm.eventlog.TopicAdmin;
import io.heomdm.eventlog.streams.Deduplicator;
import io.heomdm.eventlog.streams.Deletion;
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
    private final JourneyQuarantine quarantine;
    private final InstantSource clock;
    private final EventIds ids;

    private Campaigns(StreamsApp app, Set<String> configured, KafkaEventPublisher publisher, JourneyQuarantine quarantine, InstantSource clock,
            RandomGenerator random) {
        this.app = app;
        this.configured = configured;
        this.publisher = publisher;
        this.quarantine = quarantine;
        this.clock = clock;
        this.ids = new EventIds(clock, random);
    }

    /** Creates the topics it reads and writes if missing (the segments and prices topics too: analytics or pricing may be off), starts and waits until it runs. */
    public static Campaigns start(KafkaSettings kafka, Path stateDir, int threads, CampaignSettings settings, Deduplicator.Window window,
            Duration startTimeout,
            InstantSource clock, RandomGenerator random) {
        List<TopicSpec> topics = new ArrayList<>(CampaignsTopics.all());
        topics.add(SharedTopics.SEGMENTS);
        topics.add(DecisionsTopics.PRICES);
        topics.add(MarketTopics.CAMPAIGNS);
        TopicAdmin.ensure(kafka, topics);
        var quarantine = new JourneyQuarantine();
        var app = StreamsApp.start(APPLICATION_ID, () -> CampaignsTopology.build(settings, quarantine, window, clock), kafka, stateDir, threads, startTimeout);
        return new Campaigns(app, settings.journeys().stream().map(Journey::id).collect(Collectors.toUnmodifiableSet()),
                new KafkaEventPublisher(kafka, APPLICATION_ID + "-definitions"), quarantine, clock, random);
    }

    /** Every defined journey is evaluated on every customer event. */
    public static final int MAX_DEFINED = 100;

    /**
     * Defines (or defines again) a journey through the API: checked like a configured one, then
     * written to the definitions topic once the broker has it; the journeys take it in within 5 s.
     * Returns every mistake, each named by its path; nothing is written when there is one.
     */
    public List<Violation> defineJourney(String id, JsonNode journey) {
        List<Violation> violations = new java.util.ArrayList<>(JourneyDefinitions.check(id, journey, configured));
        var defined = journeys();
        if (violations.isEmpty() && !defined.containsKey(id) && defined.values().stream().filter("api"::equals).count() >= MAX_DEFINED) {
            violations.add(new Violation("id", "is one journey too many: at most " + MAX_DEFINED + " may be defined through the API; delete one first"));
        }
        if (violations.isEmpty()) {
            var type = EventCatalog.JOURNEY_DEFINED;
            var envelope = new Envelope(ids.next(), type.name(), type.version(), id, clock.instant(), null, null, null);
            publisher.publish(CampaignsTopics.JOURNEY_DEFINITIONS, new Event<>(envelope, new JourneyDefined(id, journey.toString()))).join();
        }
        return violations;
    }

    /** Deletes a journey defined through the API (a tombstone); customers on it stop at their next step. */
    public Deletion deleteJourney(String id) {
        if (configured.contains(id)) {
            return Deletion.CONFIGURED;
        }
        if (!journeys().containsKey(id)) {
            return Deletion.NOT_FOUND;
        }
        publisher.delete(CampaignsTopics.JOURNEY_DEFINITIONS, id).join();
        return Deletion.DELETED;
    }

    /** The journeys taken out of evaluation because they threw, with the error. */
    public Map<String, String> quarantined() {
        return quarantine.quarantined();
    }

    /** Records the journeys dead-lettered since they started. */
    public long deadLettered() {
        return app.deadLettered();
    }

    /** Every journey's id and where it comes from: "configuration" or "api" (as last written; one that no longer compiles is not run). */
    public Map<String, String> journeys() {
        Map<String, String> all = new TreeMap<>();
        configured.forEach(id -> all.put(id, "configuration"));
        ReadOnlyKeyValueStore<String, String> store = app.store(
                StoreQueryParameters.fromNameAndType(CampaignsTopology.DEFINITIONS_STORE, QueryableStoreTypes.keyValueStore()));
        try (var it = store.all()) {
            it.forEachRemaining(kv -> all.put(kv.key, "api"));
        }
        return all;
    }

    /** Its Kafka Streams applications, for what is done to one as a whole (a rebuild from the log). */
    public List<StreamsApp> applications() {
        return List.of(app);
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
